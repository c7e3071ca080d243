// The bearer session token. It lives in this tab only: sessionStorage
// (gone when the tab closes, never shared with other tabs or written to
// disk for long) with an in-memory copy; never the persistent local
// storage, never a URL.

const SLOT = "latchkey.dashboard.token";
let token = null;

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the token stays in memory only
  }
}

/** The current token, or null when signed out. */
export function current() {
  if (token === null) token = storage()?.getItem(SLOT) ?? null;
  return token;
}

/** Keeps a new token (sign-in, sign-up, or a refreshed one). */
export function keep(value) {
  token = value;
  try {
    storage()?.setItem(SLOT, value);
  } catch {
    // quota or privacy mode: the in-memory copy still works
  }
}

/** Forgets the token (sign-out, or the server no longer knows it). */
export function forget() {
  token = null;
  try {
    storage()?.removeItem(SLOT);
  } catch {
    // nothing stored
  }
}
