import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../../src/budgets/durations.ts";
import { costRecoveryTime, hoursNeedingMinutes, ratioRecoveryTime, refineSeries, type CoarseRatioBucket, type RatioBucket } from "../../src/budgets/recovery.ts";

const END = Date.parse("2026-06-01T00:00:00Z");
const WEEK = 7 * DAY_MS;

describe("ratioRecoveryTime", () => {
  it("returns null at or above threshold", () => {
    // 98 of 100 good, target 0.95: remaining (0.98 - 0.95) / 0.05 = 0.6.
    expect(ratioRecoveryTime([{ startMs: END - DAY_MS, eligible: 100, good: 98 }], WEEK, 0.95, 0.25)).toBeNull();
  });

  it("returns null without data", () => {
    expect(ratioRecoveryTime([], WEEK, 0.95, 0.25)).toBeNull();
  });

  it("waits for bad events to leave", () => {
    // Day -6: 100 events, 20 bad. Day -1: 100 events, all good. Together 180/200 = 0.9,
    // remaining -1. Once day -6 leaves (at day -6 + 7 d = day +1): 100/100, remaining 1.
    const buckets = [
      { startMs: END - 6 * DAY_MS, eligible: 100, good: 80 },
      { startMs: END - DAY_MS, eligible: 100, good: 100 },
    ];
    expect(ratioRecoveryTime(buckets, WEEK, 0.95, 0.25)).toBe(END + DAY_MS);
  });

  it("stops at first bucket reaching threshold", () => {
    // 1000 good at -5 d, 100 bad at -4 d, 900 of 900 good at -3 d, 100 of 100 at -2 d.
    // Now 2000/2100 = 0.952: remaining 0.048. After -5 d leaves: 1000/1100 = 0.909, worse.
    // After -4 d leaves: 1000/1000, remaining 1, at -4 d + 7 d = END + 3 d.
    const buckets = [
      { startMs: END - 5 * DAY_MS, eligible: 1000, good: 1000 },
      { startMs: END - 4 * DAY_MS, eligible: 100, good: 0 },
      { startMs: END - 3 * DAY_MS, eligible: 900, good: 900 },
      { startMs: END - 2 * DAY_MS, eligible: 100, good: 100 },
    ];
    expect(ratioRecoveryTime(buckets, WEEK, 0.95, 0.25)).toBe(END + 3 * DAY_MS);
  });

  it("counts threshold itself as recovered", () => {
    // After the first bucket leaves: 3875/4000 good = 0.96875; (0.96875 - 0.95) / 0.05 = 0.375.
    // With block 0.375 that is exactly the threshold, which counts as recovered.
    const buckets = [
      { startMs: END - 6 * DAY_MS, eligible: 1000, good: 500 },
      { startMs: END - 5 * DAY_MS, eligible: 4000, good: 3875 },
    ];
    expect(ratioRecoveryTime(buckets, WEEK, 0.95, 0.375)).toBe(END + DAY_MS);
  });

  it("treats emptied window as recovered", () => {
    // The only bucket is all bad; once it leaves nothing is spent.
    expect(ratioRecoveryTime([{ startMs: END - 10 * MINUTE_MS, eligible: 5, good: 0 }], WEEK, 0.99, 0.25)).toBe(END - 10 * MINUTE_MS + WEEK);
  });
});

describe("costRecoveryTime", () => {
  const base = { windowEndMs: END, windowMs: WEEK, baselineMs: 14 * DAY_MS, allowedOverrun: 0.15, block: 0.25 };

  it("returns null within allowance", () => {
    const buckets = [
      { startMs: END - 10 * DAY_MS, calls: 10, costUsd: 1 },
      { startMs: END - DAY_MS, calls: 10, costUsd: 1.05 },
    ];
    expect(costRecoveryTime({ ...base, buckets })).toBeNull();
  });

  it("recovers when expensive calls move into baseline", () => {
    // Baseline: 10 calls for 1.00 USD at -10 d (mean 0.10). Window: 10 calls for 1.30 USD at
    // -6 d and 10 for 1.00 USD at -1 d: mean 0.115, 15 % over, remaining 0.
    // At -6 d + 7 d = END + 1 d the -6 d bucket moves into the baseline: window mean 0.10,
    // baseline mean 2.30 / 20 = 0.115, no overrun, remaining 1.
    const buckets = [
      { startMs: END - 10 * DAY_MS, calls: 10, costUsd: 1 },
      { startMs: END - 6 * DAY_MS, calls: 10, costUsd: 1.3 },
      { startMs: END - DAY_MS, calls: 10, costUsd: 1 },
    ];
    expect(costRecoveryTime({ ...base, buckets })).toBe(END + DAY_MS);
  });

  it("recovers when window empties", () => {
    // One expensive bucket in the window; nothing else ever lowers the overrun.
    const buckets = [
      { startMs: END - 10 * DAY_MS, calls: 10, costUsd: 1 },
      { startMs: END - HOUR_MS, calls: 10, costUsd: 5 },
    ];
    expect(costRecoveryTime({ ...base, buckets })).toBe(END - HOUR_MS + WEEK);
  });

  it("returns null without baseline", () => {
    expect(costRecoveryTime({ ...base, buckets: [{ startMs: END - HOUR_MS, calls: 10, costUsd: 5 }] })).toBeNull();
  });
});

describe("hoursNeedingMinutes", () => {
  /** Deterministic pseudo-random numbers in [0, 1), so that a failure can be replayed. */
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
  }

  /** Minute buckets over two days before END, with bursts of failures in a few hours. */
  function minutes(seed: number): RatioBucket[] {
    const next = random(seed);
    const badHours = new Set([Math.floor(next() * 48), Math.floor(next() * 48), Math.floor(next() * 48)]);
    const buckets: RatioBucket[] = [];
    for (let minute = 0; minute < 48 * 60; minute += 1) {
      if (next() < 0.3) {
        continue;
      }
      const eligible = 1 + Math.floor(next() * 20);
      const failureRate = badHours.has(Math.floor(minute / 60)) ? 0.5 : 0.01;
      let good = 0;
      for (let event = 0; event < eligible; event += 1) {
        good += next() < failureRate ? 0 : 1;
      }
      buckets.push({ startMs: END - 2 * DAY_MS + minute * MINUTE_MS, eligible, good });
    }
    return buckets;
  }

  /** Groups minutes into whole hours, as readCoarseRatioSeries returns them for an aligned window. */
  function coarse(buckets: readonly RatioBucket[]): CoarseRatioBucket[] {
    const hours = new Map<number, CoarseRatioBucket>();
    for (const bucket of buckets) {
      const start = Math.floor(bucket.startMs / HOUR_MS) * HOUR_MS;
      const hour = hours.get(start) ?? { startMs: start, eligible: 0, good: 0, hour: true };
      hour.eligible += bucket.eligible;
      hour.good += bucket.good;
      hours.set(start, hour);
    }
    return [...hours.values()];
  }

  let recovered = 0;

  it.each(Array.from({ length: 40 }, (_, seed) => seed + 1))("matches minute series for seed %i", (seed) => {
    const fine = minutes(seed);
    const hours = coarse(fine);
    const needed = hoursNeedingMinutes(hours, 0.95, 0.25);
    const byHour = new Map<number, RatioBucket[]>(needed.map((start) => [start, fine.filter((bucket) => Math.floor(bucket.startMs / HOUR_MS) * HOUR_MS === start)]));
    const window = 2 * DAY_MS;
    const expected = ratioRecoveryTime(fine, window, 0.95, 0.25);
    expect(ratioRecoveryTime(refineSeries(hours, byHour), window, 0.95, 0.25)).toBe(expected);
    recovered += expected === null ? 0 : 1;
  });

  it("compared series that recover", () => {
    // Guards the test above against comparing nulls only.
    expect(recovered).toBeGreaterThan(20);
  });

  it("needs few hours for steady failures", () => {
    // 6 % failures in every hour against a 0.95 target: the prefix falls steadily towards the
    // total, so only the last hours can hold the recovery time.
    const steady = Array.from({ length: 168 }, (_, hour) => ({ startMs: END - (168 - hour) * HOUR_MS, eligible: 1000, good: 940, hour: true }));
    expect(hoursNeedingMinutes(steady, 0.95, 0.25).length).toBeLessThanOrEqual(3);
  });
});
