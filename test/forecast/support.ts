import type { HourlyCounts } from "../../src/forecast/index.ts";

export const HOUR = 3_600_000;
/** Forecast start of most tests: a Monday, 00:00 UTC. */
export const T0 = Date.UTC(2026, 5, 8);
export const WEEK_HOURS = 168;

/** Buckets for consecutive hours ending at `endMs`: the last entry is the hour before `endMs`. */
export function hoursEndingAt(endMs: number, counts: ReadonlyArray<{ eligible: number; bad: number }>): HourlyCounts[] {
  return counts.map((count, index) => ({
    hourStartMs: endMs - (counts.length - index) * HOUR,
    eligible: count.eligible,
    bad: count.bad,
  }));
}

/** `length` copies of the same hour. */
export function repeatHour(length: number, eligible: number, bad: number): Array<{ eligible: number; bad: number }> {
  return Array.from({ length }, () => ({ eligible, bad }));
}

/** Remaining fraction of a ratio budget, computed here independently of src/. */
export function remainingOf(counts: ReadonlyArray<{ eligible: number; bad: number }>, target: number): number {
  const eligible = counts.reduce((sum, count) => sum + count.eligible, 0);
  const bad = counts.reduce((sum, count) => sum + count.bad, 0);
  return 1 - bad / eligible / (1 - target);
}

/** Deterministic uniform numbers in [0, 1): a linear congruential generator. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * A daily traffic cycle (peak at noon UTC) and a bad fraction that follows its own daily cycle and
 * rises 0.003 percentage points an hour. Hour index 0 is the first hour of the history.
 */
export const dailyCycle = {
  eligible: (hour: number) => 1000 + 400 * Math.sin((2 * Math.PI * (hour - 6)) / 24),
  badFraction: (hour: number) => 0.004 + 0.00003 * hour + 0.003 * Math.sin((2 * Math.PI * hour) / 24),
};

/**
 * Simulates the window of `windowHours` hours rolling forward from the end of `history`, with the
 * hours after it taken from `next`. Returns the first step k (1 … horizon) whose window has
 * remaining ≤ 0, or null when no step does.
 */
export function simulateExhaustionStep(
  history: ReadonlyArray<{ eligible: number; bad: number }>,
  next: (step: number) => { eligible: number; bad: number },
  windowHours: number,
  target: number,
  horizon: number,
): number | null {
  const hours = [...history];
  for (let step = 1; step <= horizon; step += 1) {
    hours.push(next(step));
    if (remainingOf(hours.slice(-windowHours), target) <= 1e-12) {
      return step;
    }
  }
  return null;
}
