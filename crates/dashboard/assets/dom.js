// Building the page without HTML strings: every element is created and
// every text set as text, so nothing a server or a person typed can become
// markup (the CSP requires Trusted Types, which refuse HTML strings).

/** The element with this id (throws early when the page and code disagree). */
export function byId(id) {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found;
}

/**
 * `el("td", {class: "num", dataset: {label: "Uses"}}, "3")`: an element with
 * attributes (strings; `true` for a bare attribute, `false`/`null` to skip),
 * `dataset` entries, and children (nodes or text).
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "dataset") {
      Object.assign(node.dataset, value);
    } else if (value === true) {
      node.setAttribute(name, "");
    } else if (value !== false && value !== null && value !== undefined) {
      node.setAttribute(name, String(value));
    }
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes and children, as `el`. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/** Shows `message` in an error paragraph (or hides it for an empty one). */
export function showError(paragraph, message) {
  paragraph.textContent = message ?? "";
  paragraph.hidden = !message;
}

/** The error paragraph of a form or dialog. */
export function errorOf(container) {
  const found = container.querySelector(".error");
  if (!found) throw new Error("a form without an error paragraph");
  return found;
}

/** Says something briefly in the page's status line (read by screen readers). */
export function announce(message) {
  const notice = byId("notice");
  notice.textContent = message;
  clearTimeout(announce.timer);
  announce.timer = setTimeout(() => {
    if (notice.textContent === message) notice.textContent = "";
  }, 8000);
}

/**
 * Runs `work` with `buttons` disabled (no double submits), and gives any
 * error to `onError`. Returns whether it succeeded.
 */
export async function busy(buttons, work, onError) {
  const list = buttons.filter(Boolean);
  list.forEach((b) => { b.disabled = true; });
  try {
    await work();
    return true;
  } catch (error) {
    onError(error);
    return false;
  } finally {
    list.forEach((b) => { b.disabled = false; });
  }
}

/**
 * When the focused control went away (its row was drawn again, its dialog
 * closed), moves the focus to the current view's heading, so a keyboard
 * user does not land at the top of the page.
 */
export function refocus() {
  if (document.querySelector("dialog[open]")) return;
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return;
  document.querySelector("main > section:not([hidden]) h1")?.focus();
}
