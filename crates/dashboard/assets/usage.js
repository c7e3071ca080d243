// One key's usage: its figures (stats), a chart of calls per hour or day
// with the share that succeeded, and its recent requests (usage log).

import * as api from "./api.js";
import { barChart } from "./chart.js";
import { byId, el, showError } from "./dom.js";
import { count, isPast, keyName, millis, percent, timeElement, when } from "./format.js";

const PAGE_SIZE = 20;
// The chart reads at most this many recent requests (pages of 100).
const CHART_PAGES = 10;
const HOUR = 3600 * 1000;

const state = { key: null, page: 1, total: 0, bucket: "hour", chart: null, chartWidth: 0 };

// Answers can arrive out of order (Refresh clicked twice, another key
// opened): each loader draws only the answer to its latest request.
const latest = { summary: 0, table: 0, chart: 0 };
function ticket(loader) {
  latest[loader] += 1;
  const mine = latest[loader];
  return () => mine === latest[loader];
}

/** Wires the usage view; `onBack()` returns to the list. */
export function initUsage({ onBack }) {
  byId("usage-back").addEventListener("click", onBack);
  byId("usage-refresh").addEventListener("click", () => refresh());
  byId("usage-prev").addEventListener("click", () => { state.page -= 1; loadTable().catch(fail); });
  byId("usage-next").addEventListener("click", () => { state.page += 1; loadTable().catch(fail); });
  byId("usage-bucket").addEventListener("change", (event) => {
    state.bucket = event.target.value;
    loadChart().catch(fail);
  });
  // The chart is drawn in real pixels: draw it again when its box resizes.
  new ResizeObserver(() => {
    const width = byId("usage-chart").clientWidth;
    if (state.chart && Math.abs(width - state.chartWidth) > 1) drawChart();
  }).observe(byId("usage-chart"));
}

/** Opens a key's usage. */
export function showUsage(key) {
  clearUsage(); // never another key's figures, even for a moment
  state.key = key;
  state.page = 1;
  byId("usage-title").textContent = `Usage of ${keyName(key)}`;
  return refresh();
}

/** Empties the view (sign-out: no key data stays in the page). */
export function clearUsage() {
  // Answers still on their way for the previous key are dropped.
  for (const loader of Object.keys(latest)) ticket(loader);
  state.key = null;
  state.chart = null;
  for (const id of ["usage-summary", "usage-body", "usage-chart", "usage-chart-caption"]) {
    byId(id).replaceChildren();
  }
}

function fail(error) {
  showError(byId("usage-error"), `Could not load the usage: ${error.message}`);
}

async function refresh() {
  showError(byId("usage-error"), "");
  const results = await Promise.allSettled([loadSummary(), loadTable(), loadChart()]);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) fail(failed.reason);
}

async function loadSummary() {
  const current = ticket("summary");
  const [record, figures] = await Promise.all([api.getKey(state.key.id), api.stats()]);
  if (!current()) return;
  const mine = figures.apiKeys.find((k) => k.id === record.id) ?? {};
  state.key = record;
  byId("usage-title").textContent = `Usage of ${keyName(record)}`;
  let status = record.enabled ? "Enabled" : "Disabled";
  if (record.enabled && isPast(record.expiresAt)) status = "Expired";
  const items = [
    ["Status", status],
    ["Uses", count(record.usageCount, "0")],
    ["Logged requests", count(mine.calls, "0")],
    ["Success rate", percent(mine.successRate)],
    ["Average time", millis(mine.avgResponseTimeMs)],
    ["Last used", when(record.lastRequest)],
    ["Remaining", record.remaining === null ? "Unlimited" : count(record.remaining)],
  ];
  if (record.permissions && Object.keys(record.permissions).length > 0) {
    const text = Object.entries(record.permissions)
      .map(([resource, actions]) => `${resource}: ${actions.join(", ")}`)
      .join("; ");
    items.push(["Permissions", text]);
  }
  byId("usage-summary").replaceChildren(...items.map(([term, value]) =>
    el("div", {}, el("dt", {}, term), el("dd", {}, value))));
}

async function loadTable() {
  state.page = Math.max(1, state.page);
  const current = ticket("table");
  const found = await api.usage(state.key.id, state.page, PAGE_SIZE);
  if (!current()) return;
  state.total = found.total;
  byId("usage-body").replaceChildren(...found.usage.map((r) => el("tr", {},
    el("td", { dataset: { label: "Time" } }, timeElement(r.createdAt, "—")),
    el("td", { dataset: { label: "Method" } }, r.method),
    el("td", { dataset: { label: "Path" } }, el("code", {}, r.path)),
    el("td", { dataset: { label: "Status" }, class: r.status >= 400 ? "status-fail" : null }, String(r.status)),
    el("td", { dataset: { label: "Duration" }, class: "num" }, millis(r.durationMs)),
  )));
  byId("usage-empty").hidden = found.total > 0;
  byId("usage-table").hidden = found.total === 0;
  const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
  byId("usage-page").textContent = `Page ${state.page} of ${pages} · ${count(found.total)} ${found.total === 1 ? "request" : "requests"}`;
  byId("usage-prev").disabled = state.page <= 1;
  byId("usage-next").disabled = state.page >= pages;
}

/** Bucket starts, oldest first: the last 24 hours or the last 14 days. */
function bucketStarts(kind, now = new Date()) {
  const starts = [];
  if (kind === "day") {
    for (let i = 13; i >= 0; i -= 1) {
      starts.push(new Date(now.getFullYear(), now.getMonth(), now.getDate() - i));
    }
  } else {
    const hour = new Date(now.getFullYear(), now.getMonth(), now.getDate(), now.getHours());
    for (let i = 23; i >= 0; i -= 1) starts.push(new Date(hour.getTime() - i * HOUR));
  }
  return starts;
}

/** The key's requests since `since`, newest first (at most CHART_PAGES pages). */
async function requestsSince(since) {
  const rows = [];
  for (let page = 1; page <= CHART_PAGES; page += 1) {
    const found = await api.usage(state.key.id, page, 100);
    rows.push(...found.usage);
    const oldest = found.usage.at(-1);
    if (found.usage.length < 100 || !oldest || new Date(oldest.createdAt) < since) {
      return { rows, complete: true };
    }
  }
  return { rows, complete: false };
}

async function loadChart() {
  const kind = state.bucket;
  const starts = bucketStarts(kind);
  const short = new Intl.DateTimeFormat(undefined, kind === "day"
    ? { month: "short", day: "numeric" }
    : { hour: "numeric" });
  const long = new Intl.DateTimeFormat(undefined, kind === "day"
    ? { dateStyle: "medium" }
    : { dateStyle: "medium", timeStyle: "short" });
  const buckets = starts.map((start) => ({ label: short.format(start), long: long.format(start), calls: 0, ok: 0 }));
  const current = ticket("chart");
  const { rows, complete } = await requestsSince(starts[0]);
  if (!current()) return;
  for (const row of rows) {
    const at = new Date(row.createdAt);
    let index = -1;
    for (let i = starts.length - 1; i >= 0; i -= 1) {
      if (at >= starts[i]) { index = i; break; }
    }
    if (index < 0) continue;
    buckets[index].calls += 1;
    if (row.status < 400) buckets[index].ok += 1;
  }
  const calls = buckets.reduce((sum, b) => sum + b.calls, 0);
  const ok = buckets.reduce((sum, b) => sum + b.ok, 0);
  const span = kind === "day" ? "the last 14 days" : "the last 24 hours";
  let summary = calls === 0
    ? `No requests in ${span}.`
    : `${count(calls)} ${calls === 1 ? "request" : "requests"} in ${span}, ${percent(Math.round((ok * 1000) / calls) / 10)} successful.`;
  if (!complete) summary += ` Only the latest ${count(rows.length)} requests are counted.`;
  state.chart = { buckets, summary };
  drawChart();
  byId("usage-chart-caption").textContent = summary;
}

function drawChart() {
  const box = byId("usage-chart");
  state.chartWidth = box.clientWidth;
  const legend = el("div", { class: "legend" },
    el("span", {}, el("span", { class: "swatch ok" }), "Successful (status below 400)"),
    el("span", {}, el("span", { class: "swatch fail" }), "Failed"));
  box.replaceChildren(barChart(state.chart.buckets, state.chart.summary, state.chartWidth), legend);
}
