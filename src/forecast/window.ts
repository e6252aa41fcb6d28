/**
 * Rolls a budget window forward hour by hour over past and forecast hours. Pure.
 *
 * The window ending at time T contains the hours that start in [T − window, T). Step k moves the end
 * from the series end E to E + k hours: the hour starting at E + (k − 1) hours enters, and the
 * hour starting at E + (k − 1) hours − window leaves once the window is full.
 */
import type { HourlySeries } from "./series.ts";

/** Below this many eligible events the window counts as empty, against rounding in running sums. */
const EMPTY_WINDOW_EVENTS = 1e-9;

export interface FutureHour {
  eligible: number;
  bad: number;
}

/**
 * Remaining fraction of a ratio budget with `target` for window sums, as in src/budgets/math.ts:
 * 1 − (bad / eligible) / (1 − target). Null for an empty window.
 */
export function remainingOf(eligible: number, bad: number, target: number): number | null {
  if (eligible <= EMPTY_WINDOW_EVENTS) {
    return null;
  }
  return 1 - Math.max(0, bad) / eligible / (1 - target);
}

/** Sums of eligible and bad events over the window that ends at the end of the series. */
export function currentWindowSums(series: HourlySeries, windowHours: number): FutureHour {
  let eligible = 0;
  let bad = 0;
  for (let index = Math.max(0, series.eligible.length - windowHours); index < series.eligible.length; index += 1) {
    eligible += series.eligible[index]!;
    bad += series.bad[index]!;
  }
  return { eligible, bad };
}

/**
 * Returns the first step k in 1 … future.length at which `stop` returns true for the remaining
 * fraction of the window ending k hours after the series end, or null when it never does.
 */
export function firstStepWhere(
  series: HourlySeries,
  windowHours: number,
  target: number,
  future: readonly FutureHour[],
  stop: (remaining: number | null) => boolean,
): number | null {
  const past = series.eligible.length;
  let { eligible, bad } = currentWindowSums(series, windowHours);
  for (let step = 1; step <= future.length; step += 1) {
    const entering = future[step - 1]!;
    eligible += entering.eligible;
    bad += entering.bad;

    const leaving = past + step - 1 - windowHours;
    if (leaving >= 0) {
      const hour = leaving < past ? { eligible: series.eligible[leaving]!, bad: series.bad[leaving]! } : future[leaving - past]!;
      eligible -= hour.eligible;
      bad -= hour.bad;
    }
    if (stop(remainingOf(eligible, bad, target))) {
      return step;
    }
  }
  return null;
}
