// latchkey's public HTTP API, as this page uses it: JSON in and out, the
// session as `Authorization: Bearer`, cookies never sent or kept (the page
// is a bearer client, like any frontend on another origin would be), and
// every failure turned into an ApiError whose message is fit to show.

import * as session from "./session.js";

const BASE = document.querySelector('meta[name="latchkey-api"]')?.getAttribute("content") ?? "/api/auth";
const TIMEOUT_MS = 15000;

/** A failed call: HTTP status (0: no answer), stable code, and words for a person. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** Words for a status whose answer carried no message. */
function fallbackMessage(status) {
  if (status === 400) return "The server did not accept the request.";
  if (status === 401) return "You are not signed in, or your session has ended.";
  if (status === 403) return "You are not allowed to do that.";
  if (status === 404) return "Not found. It may have been deleted.";
  if (status === 413) return "That is too large for the server.";
  if (status === 429) return "Too many requests. Wait a moment and try again.";
  if (status >= 500) return `The server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}

/** `[body.name] Too small: …` (the validator's form) as `name: Too small: …`. */
function readable(message) {
  return message.replace(/\[(?:body|query)\.([A-Za-z0-9_.]+)\]\s*/g, "$1: ");
}

let onSessionEnded = () => {};

/** Called when the server says the session is gone (401 on a signed-in call). */
export function whenSessionEnds(callback) {
  onSessionEnded = callback;
}

/**
 * One call. `query` values that are null/undefined are left out. Answers
 * the JSON body; throws ApiError otherwise.
 */
async function call(method, path, { body, query, signedIn = true } = {}) {
  const url = new URL(BASE + path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== null && value !== undefined) url.searchParams.set(name, String(value));
  }
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  const token = signedIn ? session.current() : null;
  if (token) headers.authorization = `Bearer ${token}`;

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      redirect: "error",
      referrerPolicy: "no-referrer",
      signal: abort.signal,
    });
  } catch (error) {
    const timedOut = error?.name === "AbortError";
    throw new ApiError(0, timedOut ? "TIMEOUT" : "NETWORK",
      timedOut
        ? "The server did not answer in time. Check your connection and try again."
        : "Cannot reach the server. Check your connection and try again.");
  } finally {
    clearTimeout(timer);
  }

  // The server may hand out a refreshed token on any answer.
  const fresh = response.headers.get("set-auth-token");
  if (fresh && signedIn && token) session.keep(fresh);

  const text = await response.text().catch(() => "");
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = undefined; // not JSON
  }
  if (!response.ok) {
    const code = typeof data?.code === "string" ? data.code : `HTTP_${response.status}`;
    const message = typeof data?.message === "string" && data.message
      ? readable(data.message)
      : fallbackMessage(response.status);
    const error = new ApiError(response.status, code, message);
    if (response.status === 401 && token) {
      session.forget();
      onSessionEnded("Your session has ended. Please sign in again.");
    }
    throw error;
  }
  if (data === undefined) {
    throw new ApiError(response.status, "BAD_ANSWER", "The server sent an answer this page cannot read.");
  }
  return { data, response };
}

/** Signs in; keeps the session token. Answers the user. */
export async function signIn(email, password) {
  const { data, response } = await call("POST", "/sign-in/email", { body: { email, password }, signedIn: false });
  return startSession(data, response);
}

/** Creates an account and signs in; keeps the session token. Answers the user. */
export async function signUp(name, email, password) {
  const { data, response } = await call("POST", "/sign-up/email", { body: { name, email, password }, signedIn: false });
  return startSession(data, response);
}

function startSession(data, response) {
  // better-auth's bearer plugin: the token to send back is the
  // `set-auth-token` header (the signed token), not the body's raw token.
  const token = response.headers.get("set-auth-token");
  if (!token) {
    throw new ApiError(response.status, "NO_TOKEN", "The server did not start a session. Try again.");
  }
  session.keep(token);
  return data?.user ?? null;
}

/** The signed-in user, or null when the token no longer names a session. */
export async function currentUser() {
  if (!session.current()) return null;
  const { data } = await call("GET", "/get-session");
  if (!data?.user) session.forget();
  return data?.user ?? null;
}

/** Ends the session on the server; the token is forgotten whatever happens. */
export async function signOut() {
  try {
    await call("POST", "/sign-out", { body: {} });
  } finally {
    session.forget();
  }
}

/** One page of keys, newest first: `{apiKeys, total}`. */
export async function listKeys(limit, offset) {
  const query = { limit, offset, sortBy: "createdAt", sortDirection: "desc" };
  return (await call("GET", "/api-key/list", { query })).data;
}

/** Creates a key; the answer carries the full `key`, this once. */
export async function createKey(fields) {
  return (await call("POST", "/api-key/create", { body: fields })).data;
}

/** Changes a key (`name`, `enabled`, …). */
export async function updateKey(keyId, changes) {
  return (await call("POST", "/api-key/update", { body: { keyId, ...changes } })).data;
}

/** Gives a key a new secret; the old one works for `gracePeriod` more seconds. */
export async function rotateKey(keyId, gracePeriod) {
  return (await call("POST", "/api-key/rotate", { body: { keyId, gracePeriod } })).data;
}

/** Deletes a key. */
export async function deleteKey(keyId) {
  return (await call("POST", "/api-key/delete", { body: { keyId } })).data;
}

/** One key's record. */
export async function getKey(id) {
  return (await call("GET", "/api-key/get", { query: { id } })).data;
}

/** A page of one key's recent requests: `{usage, total, page, size}`. */
export async function usage(keyId, page, size) {
  return (await call("GET", "/api-key/usage", { query: { keyId, page, size } })).data;
}

/** The figures of all the user's keys: `{apiKeys: [{id, calls, successRate, …}], …}`. */
export async function stats() {
  return (await call("GET", "/api-key/stats")).data;
}
