// The page's dialogs (<dialog>, modal: focus stays inside, Escape closes).
// A dialog with a form runs the handler it was opened with on submit and
// shows the handler's error in words inside the dialog; it closes only
// when the handler succeeded. A handler may answer a function to run once
// the dialog has closed (to open the next one).

import { busy, byId, errorOf, refocus, showError } from "./dom.js";

const handlers = new Map();

/** Wires every dialog once: close buttons, submit, and clean-up on close. */
export function initDialogs() {
  for (const dialog of document.querySelectorAll("dialog")) {
    for (const button of dialog.querySelectorAll("[data-close]")) {
      button.addEventListener("click", () => dialog.close());
    }
    const form = dialog.querySelector("form");
    form?.addEventListener("submit", (event) => {
      // Never a native submission: it would navigate (and the CSP forbids it).
      event.preventDefault();
      submit(dialog, form);
    });
    dialog.addEventListener("close", () => {
      // The event comes a moment after the dialog closed: if it was opened
      // again meanwhile, this close is not the new opening's business.
      if (dialog.open) return;
      handlers.delete(dialog);
      if (form) {
        form.reset();
        showError(errorOf(form), "");
      }
      // After the browser's own return of the focus, which fails when the
      // control that opened the dialog is gone (a deleted key's row).
      setTimeout(refocus, 0);
    });
  }
  byId("dialog-secret").addEventListener("close", forgetSecret);
  byId("secret-copy").addEventListener("click", copySecret);
}

async function submit(dialog, form) {
  const handler = handlers.get(dialog);
  if (!handler) return;
  const error = errorOf(form);
  showError(error, "");
  let after = null;
  const ok = await busy([...form.querySelectorAll("button")], async () => {
    after = await handler(new FormData(form));
  }, (e) => showError(error, e.message));
  if (ok && dialog.open) {
    dialog.close();
    if (typeof after === "function") after();
  }
}

/** Opens `dialog` with a submit handler; focuses `focus` (or the first field). */
export function openDialog(dialog, handler, focus) {
  handlers.set(dialog, handler);
  dialog.showModal();
  (focus ?? dialog.querySelector("input, select, textarea, button"))?.focus();
}

/** Closes every open dialog (the session ended under them). */
export function closeAll() {
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
}

/**
 * Asks before something that cannot be undone, then runs `action` (its
 * error stays in the dialog).
 */
export function confirmAction({ title, text, confirmLabel, action }) {
  byId("confirm-title").textContent = title;
  byId("confirm-text").textContent = text;
  byId("confirm-ok").textContent = confirmLabel;
  // Cancel first: Enter on an unfocused dialog must not destroy anything.
  openDialog(byId("dialog-confirm"), action, byId("dialog-confirm").querySelector("[data-close]"));
}

/**
 * Shows a full key once. It is written only into the field's value (never
 * an attribute, a URL or storage) and cleared when the dialog closes,
 * however it closes (Done, Escape).
 */
export function showSecret({ title, key, note }) {
  byId("secret-title").textContent = title;
  byId("secret-key").value = key;
  byId("secret-note").textContent = note ?? "";
  byId("secret-copied").textContent = "";
  const dialog = byId("dialog-secret");
  dialog.showModal();
  const field = byId("secret-key");
  field.focus();
  field.select();
}

function forgetSecret() {
  if (byId("dialog-secret").open) return; // opened again for another key
  byId("secret-key").value = "";
  byId("secret-note").textContent = "";
  byId("secret-copied").textContent = "";
}

async function copySecret() {
  const field = byId("secret-key");
  const said = byId("secret-copied");
  try {
    await navigator.clipboard.writeText(field.value);
    said.textContent = "Copied to the clipboard.";
  } catch {
    field.focus();
    field.select();
    said.textContent = "This browser did not allow copying. The key is selected: press Ctrl+C (⌘C on a Mac).";
  }
}
