/**
 * The burn chart of the admin page: the share of the error budget spent, accumulated hour by hour
 * over the last 7 days, as a small inline SVG with dashed lines at the block and escalation levels.
 */
import { HOUR_MS, type HourlyCounts } from "../forecast/index.ts";
import { html, type SafeHtml } from "./html.ts";

export const CHART_HOURS = 7 * 24;
const WIDTH = CHART_HOURS;
const HEIGHT = 40;
/** Spending above this share of the budget is drawn at the top edge. */
const MAX_SHARE = 1.5;

/**
 * Returns the cumulative share of the budget spent at the end of each of the last CHART_HOURS
 * complete hours before `endMs`. The denominator is the budget of all eligible events in those
 * hours, so the last point is the share spent over 7 days (1 - remaining for a 7-day budget).
 * Returns null when the hours have no eligible events.
 */
export function cumulativeSpent(history: readonly HourlyCounts[], endMs: number, target: number): number[] | null {
  const lastStart = Math.floor(endMs / HOUR_MS) * HOUR_MS - HOUR_MS;
  const firstStart = lastStart - (CHART_HOURS - 1) * HOUR_MS;
  const bad = new Array<number>(CHART_HOURS).fill(0);
  let eligible = 0;
  for (const hour of history) {
    if (hour.hourStartMs < firstStart || hour.hourStartMs > lastStart) {
      continue;
    }
    bad[(hour.hourStartMs - firstStart) / HOUR_MS] = hour.bad;
    eligible += hour.eligible;
  }
  const allowed = eligible * (1 - target);
  if (allowed <= 0) {
    return null;
  }
  let spent = 0;
  return bad.map((count) => {
    spent += count;
    return spent / allowed;
  });
}

function y(share: number): number {
  const clamped = Math.min(MAX_SHARE, Math.max(0, share));
  return Number((HEIGHT - (clamped / MAX_SHARE) * HEIGHT).toFixed(2));
}

/**
 * Draws the chart. `block` and `escalate` are remaining fractions, drawn at the spent shares
 * 1 - block and 1 - escalate. `label` becomes the SVG's title for screen readers and tooltips.
 */
export function burnChart(points: readonly number[], levels: { block: number; escalate: number }, level: string, label: string): SafeHtml {
  const step = WIDTH / Math.max(1, points.length - 1);
  const line = points.map((share, index) => `${Number((index * step).toFixed(2))},${y(share)}`).join(" ");
  const area = `0,${HEIGHT} ${line} ${WIDTH},${HEIGHT}`;
  return html`<svg class="chart chart-${level}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${label}">
<title>${label}</title>
<rect class="chart-frame" x="0" y="0" width="${WIDTH}" height="${HEIGHT}"/>
<line class="chart-block" x1="0" x2="${WIDTH}" y1="${y(1 - levels.block)}" y2="${y(1 - levels.block)}"/>
<line class="chart-escalate" x1="0" x2="${WIDTH}" y1="${y(1 - levels.escalate)}" y2="${y(1 - levels.escalate)}"/>
<polygon class="chart-area" points="${area}"/>
<polyline class="chart-line" points="${line}"/>
</svg>`;
}
