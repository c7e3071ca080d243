// How values read to a person: dates in their locale, counts, durations.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const number = new Intl.NumberFormat();

/** An ISO timestamp as local date and time, or `fallback` when there is none. */
export function when(iso, fallback = "Never") {
  if (!iso) return fallback;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? fallback : dateTime.format(date);
}

/** A `<time>` element for an ISO timestamp (machine-readable `datetime`). */
export function timeElement(iso, fallback = "Never") {
  if (!iso) return document.createTextNode(fallback);
  const node = document.createElement("time");
  node.dateTime = iso;
  node.textContent = when(iso, fallback);
  return node;
}

/** A count with thousands separators, or `fallback` for null. */
export function count(value, fallback = "—") {
  return value === null || value === undefined ? fallback : number.format(value);
}

/** A percentage (already 0..100) or a dash. */
export function percent(value) {
  return value === null || value === undefined ? "—" : `${number.format(value)}%`;
}

/** Milliseconds as "12 ms". */
export function millis(value) {
  return value === null || value === undefined ? "—" : `${number.format(value)} ms`;
}

/** Whether an ISO timestamp lies in the past. */
export function isPast(iso) {
  return Boolean(iso) && new Date(iso).getTime() <= Date.now();
}

/** A key's display name. */
export function keyName(key) {
  return key.name || "(unnamed key)";
}
