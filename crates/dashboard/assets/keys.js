// The key list (paged, newest first) and what can be done to a key:
// create, rename, enable/disable, rotate, delete, and open its usage.

import * as api from "./api.js";
import { confirmAction, openDialog, showSecret } from "./dialogs.js";
import { announce, busy, byId, el, refocus, showError } from "./dom.js";
import { count, isPast, keyName, timeElement, when } from "./format.js";

const state = { page: 0, size: 10, total: 0 };
// Only the answer to the latest list request is drawn (they can cross).
let latestLoad = 0;
let openUsage = () => {};

/** Wires the list's controls; `onUsage(key)` opens a key's usage. */
export function initKeys({ onUsage }) {
  openUsage = onUsage;
  byId("new-key").addEventListener("click", openCreate);
  byId("keys-refresh").addEventListener("click", () => load());
  byId("keys-prev").addEventListener("click", () => { state.page -= 1; load(); });
  byId("keys-next").addEventListener("click", () => { state.page += 1; load(); });
  byId("keys-size").addEventListener("change", (event) => {
    state.size = Number(event.target.value);
    state.page = 0;
    load();
  });
}

/** Empties the list (sign-out: no key data stays in the page, and answers
 * still on their way are dropped). */
export function clearKeys() {
  latestLoad += 1;
  byId("keys-body").replaceChildren();
}

/** Shows the list from its first page. */
export function showKeys({ firstPage = false } = {}) {
  if (firstPage) state.page = 0;
  return load();
}

/** Fetches and draws the current page; errors are shown above the table. */
async function load() {
  const error = byId("keys-error");
  latestLoad += 1;
  const mine = latestLoad;
  try {
    state.page = Math.max(0, state.page);
    let found = await api.listKeys(state.size, state.page * state.size);
    // The last key of the last page was deleted: step back a page.
    while (found.apiKeys.length === 0 && state.page > 0 && found.total > 0) {
      state.page = Math.max(0, Math.ceil(found.total / state.size) - 1);
      found = await api.listKeys(state.size, state.page * state.size);
    }
    if (mine !== latestLoad) return;
    state.total = found.total;
    render(found.apiKeys);
    showError(error, "");
  } catch (e) {
    if (mine === latestLoad) showError(error, `Could not load your keys: ${e.message}`);
  }
}

function render(keys) {
  byId("keys-body").replaceChildren(...keys.map(row));
  byId("keys-empty").hidden = state.total > 0;
  byId("keys-table").hidden = keys.length === 0;
  byId("keys-pager").hidden = state.total === 0;
  const pages = Math.max(1, Math.ceil(state.total / state.size));
  byId("keys-page").textContent = `Page ${state.page + 1} of ${pages} · ${count(state.total)} ${state.total === 1 ? "key" : "keys"}`;
  byId("keys-prev").disabled = state.page === 0;
  byId("keys-next").disabled = state.page + 1 >= pages;
  refocus();
}

function status(key) {
  if (!key.enabled) return el("span", { class: "badge off" }, "Disabled");
  if (isPast(key.expiresAt)) return el("span", { class: "badge expired" }, "Expired");
  return el("span", { class: "badge on" }, "Enabled");
}

function cell(label, content, className) {
  return el("td", { dataset: { label }, class: className }, content);
}

function row(key) {
  const name = keyName(key);
  const action = (text, label, handler, className) => {
    const button = el("button", { type: "button", "aria-label": `${label} ${name}`, class: className }, text);
    button.addEventListener("click", () => handler(key, button));
    return button;
  };
  const actions = el("div", { class: "row-actions" },
    action("Usage", "Usage of", openUsage),
    action("Rename", "Rename", openRename),
    key.enabled ? action("Disable", "Disable", disable) : action("Enable", "Enable", enable),
    action("Rotate", "Rotate", openRotate),
    action("Delete", "Delete", remove, "danger"),
  );
  return el("tr", { dataset: { keyId: key.id } },
    cell("Name", el("strong", {}, name), "name"),
    cell("Key", el("code", { class: "nowrap" }, `${key.start ?? ""}…`)),
    cell("Prefix", key.prefix ? el("code", { class: "nowrap" }, key.prefix) : "—"),
    cell("Status", status(key)),
    cell("Created", timeElement(key.createdAt, "—")),
    cell("Expires", timeElement(key.expiresAt, "Never")),
    cell("Last used", timeElement(key.lastRequest, "Never")),
    cell("Uses", count(key.usageCount, "0"), "num"),
    cell("Remaining", key.remaining === null ? "Unlimited" : count(key.remaining), "num"),
    el("td", { class: "no-label" }, actions),
  );
}

/** The create form's fields as the API wants them (local mistakes in words). */
function createFields(form) {
  const fields = {};
  const name = String(form.get("name") ?? "").trim();
  if (name) fields.name = name;
  const prefix = String(form.get("prefix") ?? "").trim();
  if (prefix) fields.prefix = prefix;
  const days = String(form.get("expires") ?? "").trim();
  if (days) {
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1) throw new Error("Expires after: enter a whole number of days, 1 or more.");
    fields.expiresIn = n * 86400;
  }
  const metadata = String(form.get("metadata") ?? "").trim();
  if (metadata) {
    let parsed;
    try {
      parsed = JSON.parse(metadata);
    } catch {
      throw new Error('Metadata is not valid JSON. Write an object such as {"team": "billing"}.');
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error('Metadata must be a JSON object, such as {"team": "billing"}.');
    }
    fields.metadata = parsed;
  }
  return fields;
}

function openCreate() {
  openDialog(byId("dialog-create"), async (form) => {
    const created = await api.createKey(createFields(form));
    const name = keyName(created);
    announce(`Key ${name} created.`);
    await showKeys({ firstPage: true });
    return () => showSecret({
      title: "Your new key",
      key: created.key,
      note: `This is the key “${name}”. Store it where your application can read it.`,
    });
  });
}

function openRename(key) {
  const field = byId("rename-name");
  byId("rename-title").textContent = `Rename ${keyName(key)}`;
  openDialog(byId("dialog-rename"), async (form) => {
    const name = String(form.get("name") ?? "").trim();
    if (!name) throw new Error("Enter a name.");
    await api.updateKey(key.id, { name });
    announce(`Key renamed to ${name}.`);
    await load();
  }, field);
  field.value = key.name ?? "";
  field.select();
}

async function enable(key, button) {
  await busy([button], async () => {
    await api.updateKey(key.id, { enabled: true });
    announce(`Key ${keyName(key)} enabled.`);
    await load();
  }, (e) => showError(byId("keys-error"), `Could not enable ${keyName(key)}: ${e.message}`));
}

function disable(key) {
  confirmAction({
    title: `Disable ${keyName(key)}?`,
    text: "Requests with this key are refused until you enable it again. Nothing else changes.",
    confirmLabel: "Disable key",
    action: async () => {
      await api.updateKey(key.id, { enabled: false });
      announce(`Key ${keyName(key)} disabled.`);
      await load();
    },
  });
}

function remove(key) {
  confirmAction({
    title: `Delete ${keyName(key)}?`,
    text: "Requests with this key are refused at once, and you will no longer see it or its usage here. This cannot be undone.",
    confirmLabel: "Delete key",
    action: async () => {
      await api.deleteKey(key.id);
      announce(`Key ${keyName(key)} deleted.`);
      await load();
    },
  });
}

function openRotate(key) {
  byId("rotate-title").textContent = `Rotate ${keyName(key)}`;
  openDialog(byId("dialog-rotate"), async (form) => {
    const grace = Number(form.get("grace") ?? 0);
    const rotated = await api.rotateKey(key.id, grace);
    announce(`Key ${keyName(key)} rotated.`);
    await load();
    const until = rotated.previousKeyExpiresAt;
    return () => showSecret({
      title: `New secret for ${keyName(key)}`,
      key: rotated.key,
      note: until
        ? `The old secret keeps working until ${when(until)}. Replace it before then.`
        : "The old secret no longer works.",
    });
  }, byId("rotate-grace"));
}
