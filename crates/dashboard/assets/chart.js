// A small bar chart drawn as SVG by hand (no library): one bar per hour or
// day, successful calls below, failed ones stacked on top. Colours come
// from the stylesheet's classes; nothing here needs an inline style.

import { svg } from "./dom.js";

const HEIGHT = 200;
const LEFT = 40;
const RIGHT = 8;
const TOP = 12;
const BOTTOM = 28;

/** The smallest of 1, 2, 5 × 10ⁿ at or above `value`. */
export function niceCeiling(value) {
  if (value <= 1) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

function label(x, y, content, anchor) {
  return svg("text", { x, y, "text-anchor": anchor }, String(content));
}

/**
 * The chart of `buckets` (`{label, long, calls, ok}` each, oldest first),
 * `width` pixels wide, described for screen readers by `summary`.
 */
export function barChart(buckets, summary, width) {
  const fullWidth = Math.max(200, Math.round(width));
  const plotWidth = fullWidth - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const ceiling = niceCeiling(Math.max(0, ...buckets.map((b) => b.calls)));
  const y = (value) => TOP + plotHeight - (value / ceiling) * plotHeight;
  const step = plotWidth / Math.max(1, buckets.length);
  const barWidth = Math.max(2, step * 0.7);

  const root = svg("svg", {
    viewBox: `0 0 ${fullWidth} ${HEIGHT}`,
    role: "img",
    "aria-label": summary,
    focusable: "false",
  });
  root.append(
    svg("line", { class: "axis", x1: LEFT, x2: fullWidth - RIGHT, y1: y(ceiling), y2: y(ceiling) }),
    svg("line", { class: "axis", x1: LEFT, x2: fullWidth - RIGHT, y1: y(0), y2: y(0) }),
    label(LEFT - 6, y(ceiling) + 4, ceiling, "end"),
    label(LEFT - 6, y(0) + 4, 0, "end"),
  );
  // As many time labels as fit, about 70 px apart.
  const labelEvery = Math.ceil(buckets.length / Math.max(2, Math.floor(plotWidth / 70)));
  buckets.forEach((bucket, i) => {
    const x = LEFT + i * step + (step - barWidth) / 2;
    const failed = bucket.calls - bucket.ok;
    const group = svg("g", {}, svg("title", {},
      `${bucket.long}: ${bucket.calls} ${bucket.calls === 1 ? "call" : "calls"}, ${failed} failed`));
    if (bucket.ok > 0) {
      group.append(svg("rect", { class: "bar-ok", x, width: barWidth, y: y(bucket.ok), height: y(0) - y(bucket.ok) }));
    }
    if (failed > 0) {
      group.append(svg("rect", { class: "bar-fail", x, width: barWidth, y: y(bucket.calls), height: y(bucket.ok) - y(bucket.calls) }));
    }
    root.append(group);
    if (i % labelEvery === 0) root.append(label(x + barWidth / 2, HEIGHT - 8, bucket.label, "middle"));
  });
  return root;
}
