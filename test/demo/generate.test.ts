import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

import { costBudget, ratioBudget } from "../../src/budgets/math.ts";
import {
  DEMO_VERTICALS,
  type DemoCall,
  type DemoOptions,
  estimateCallCount,
  generateCalls,
  validateDemoOptions,
} from "../../src/demo/generate.ts";
import { InputError } from "../../src/errors.ts";

const DAY_MS = 86_400_000;
// A Thursday afternoon, not aligned to a minute, so hour and minute boundaries are exercised.
const END = new Date("2025-06-12T15:27:41.123Z");

function collect(options: DemoOptions): { calls: DemoCall[]; batches: DemoCall[][] } {
  const batches = [...generateCalls(options)];
  return { calls: batches.flat(), batches };
}

function digest(calls: readonly DemoCall[]): string {
  const hash = createHash("sha256");
  for (const call of calls) {
    hash.update(
      [
        call.vertical,
        call.tenantId ?? "-",
        call.createdAt.getTime(),
        call.connected,
        call.ok,
        call.firstResponseMs ?? "-",
        call.maxSilenceMs ?? "-",
        call.costUsd,
      ].join("|") + "\n",
    );
  }
  return hash.digest("hex");
}

interface VerticalBudgets {
  availability: number | null;
  latency: number | null;
  stall: number | null;
  quality: number | null;
  cost: number | null;
}

/** Computes the five budgets per vertical over [end - 7 days, end), with the 14 days before as the cost baseline. */
function computeBudgets(calls: readonly DemoCall[], end: Date): Map<string, VerticalBudgets> {
  const windowStartMs = end.getTime() - 7 * DAY_MS;
  const baselineStartMs = end.getTime() - 21 * DAY_MS;
  const budgets = new Map<string, VerticalBudgets>();

  for (const vertical of DEMO_VERTICALS) {
    let calls7d = 0;
    let connected = 0;
    let ok = 0;
    let latencyEligible = 0;
    let latencyGood = 0;
    let stallEligible = 0;
    let stallGood = 0;
    let windowCostUsd = 0;
    let baselineCalls = 0;
    let baselineCostUsd = 0;

    for (const call of calls) {
      if (call.vertical !== vertical) {
        continue;
      }
      const createdAtMs = call.createdAt.getTime();
      if (createdAtMs < baselineStartMs) {
        continue;
      }
      if (createdAtMs < windowStartMs) {
        baselineCalls += 1;
        baselineCostUsd += call.costUsd;
        continue;
      }

      calls7d += 1;
      windowCostUsd += call.costUsd;
      if (!call.connected) {
        continue;
      }
      connected += 1;
      if (call.ok) {
        ok += 1;
      }
      if (call.firstResponseMs !== null) {
        latencyEligible += 1;
        if (call.firstResponseMs <= 800) {
          latencyGood += 1;
        }
      }
      if (call.maxSilenceMs !== null) {
        stallEligible += 1;
        if (call.maxSilenceMs <= 4000) {
          stallGood += 1;
        }
      }
    }

    budgets.set(vertical, {
      availability: ratioBudget({ eligible: calls7d, good: connected }, 0.999).remaining,
      latency: ratioBudget({ eligible: latencyEligible, good: latencyGood }, 0.95).remaining,
      stall: ratioBudget({ eligible: stallEligible, good: stallGood }, 0.99).remaining,
      quality: ratioBudget({ eligible: connected, good: ok }, 0.95).remaining,
      cost: costBudget({ windowCalls: calls7d, windowCostUsd, baselineCalls, baselineCostUsd }, 0.15).remaining,
    });
  }
  return budgets;
}

/** Counts calls of `vertical` whose UTC hour is in [fromHour, toHour). */
function countByUtcHours(calls: readonly DemoCall[], vertical: string, fromHour: number, toHour: number): number {
  return calls.filter((call) => {
    const hour = call.createdAt.getUTCHours();
    return call.vertical === vertical && hour >= fromHour && hour < toHour;
  }).length;
}

function budgetsOf(budgets: Map<string, VerticalBudgets>, vertical: string): VerticalBudgets {
  const figures = budgets.get(vertical);
  if (figures === undefined) {
    throw new Error(`no budgets computed for ${vertical}`);
  }
  return figures;
}

describe("generateCalls", () => {
  const smallOptions: DemoOptions = { seed: 42, end: END, days: 21, scale: 0.05 };

  describe("when called twice with the same options", () => {
    it("yields identical calls", () => {
      const first = collect(smallOptions).calls;
      const second = collect({ ...smallOptions, end: new Date(END.getTime()) }).calls;

      expect(second.length).toBe(first.length);
      expect(digest(second)).toBe(digest(first));
    });
  });

  describe("when the seed differs", () => {
    it("yields different calls", () => {
      const first = collect(smallOptions).calls;
      const other = collect({ ...smallOptions, seed: 43 }).calls;

      expect(digest(other)).not.toBe(digest(first));
    });
  });

  describe("when generating 28 days at scale 0.05", () => {
    const options: DemoOptions = { seed: 7, end: END, days: 28, scale: 0.05 };
    let calls: DemoCall[] = [];
    let batches: DemoCall[][] = [];

    beforeAll(() => {
      ({ calls, batches } = collect(options));
    });

    it("creates every call within [end - days, end)", () => {
      const startMs = END.getTime() - 28 * DAY_MS;
      const outside = calls.filter((call) => call.createdAt.getTime() < startMs || call.createdAt >= END);

      expect(calls.length).toBeGreaterThan(0);
      expect(outside).toEqual([]);
    });

    it("yields non-empty batches in creation order", () => {
      let previousMs = Number.NEGATIVE_INFINITY;
      let outOfOrder = 0;
      for (const call of calls) {
        if (call.createdAt.getTime() < previousMs) {
          outOfOrder += 1;
        }
        previousMs = call.createdAt.getTime();
      }

      expect(outOfOrder).toBe(0);
      expect(batches.every((batch) => batch.length > 0)).toBe(true);
      expect(batches.length).toBeLessThanOrEqual(28 * 24);
    });

    it("estimates the call count within 5 %", () => {
      const estimate = estimateCallCount(options);

      expect(Math.abs(estimate - calls.length) / calls.length).toBeLessThan(0.05);
    });

    it("scales to about 1,000,000 calls per 21 days", () => {
      const estimate = estimateCallCount({ ...options, days: 21, scale: 1 });

      expect(estimate).toBeGreaterThan(950_000);
      expect(estimate).toBeLessThan(1_050_000);
    });

    it("uses the demo verticals and tenant ids", () => {
      const verticals = new Set(calls.map((call) => call.vertical));
      const tenantIds = new Set(calls.map((call) => call.tenantId));

      expect([...verticals].sort()).toEqual([...DEMO_VERTICALS].sort());
      expect(tenantIds.has(null)).toBe(true);
      for (const tenantId of tenantIds) {
        if (tenantId !== null) {
          expect(tenantId).toMatch(/^(hc|re|sl)-[a-z]+(-[a-z]+)+$/);
        }
      }
    });

    it("nulls telemetry as documented on DemoCall", () => {
      const failed = calls.filter((call) => !call.connected);
      const connected = calls.filter((call) => call.connected);
      const missingFirstResponse = connected.filter((call) => call.firstResponseMs === null);

      expect(failed.every((call) => call.firstResponseMs === null)).toBe(true);
      expect(failed.every((call) => call.maxSilenceMs === null)).toBe(true);
      expect(failed.every((call) => !call.ok)).toBe(true);
      expect(connected.every((call) => call.maxSilenceMs !== null)).toBe(true);
      expect(missingFirstResponse.length).toBeGreaterThan(0);
      expect(missingFirstResponse.length / connected.length).toBeLessThan(0.03);
    });

    it("keeps first responses near a 400-500 ms median", () => {
      const responses = calls
        .map((call) => call.firstResponseMs)
        .filter((value): value is number => value !== null)
        .sort((a, b) => a - b);
      const median = responses[Math.floor(responses.length / 2)];

      expect(median).toBeGreaterThanOrEqual(400);
      expect(median).toBeLessThanOrEqual(520);
    });

    it("rounds costs to 6 decimals and charges failed calls little", () => {
      const unrounded = calls.filter((call) => Math.abs(call.costUsd * 1e6 - Math.round(call.costUsd * 1e6)) > 1e-6);
      const failedCosts = calls.filter((call) => !call.connected).map((call) => call.costUsd);
      const connectedCosts = calls.filter((call) => call.connected).map((call) => call.costUsd);
      const meanConnectedCost = connectedCosts.reduce((sum, cost) => sum + cost, 0) / connectedCosts.length;

      expect(unrounded).toEqual([]);
      expect(failedCosts.length).toBeGreaterThan(0);
      expect(Math.max(...failedCosts)).toBeLessThan(meanConnectedCost / 10);
      expect(Math.min(...connectedCosts)).toBeGreaterThan(0);
    });
  });

  describe("when generating 21 days at scale 0.2", () => {
    const options: DemoOptions = { seed: 1, end: END, days: 21, scale: 0.2 };
    let calls: DemoCall[] = [];
    let budgets = new Map<string, VerticalBudgets>();

    beforeAll(() => {
      calls = collect(options).calls;
      budgets = computeBudgets(calls, END);
    });

    // All demo verticals use US time zones (UTC-5 to UTC-8). UTC 07:00-11:00 is night there,
    // UTC 17:00-21:00 is midday, and UTC 15:00-24:00 falls on the same local date as in UTC.
    it.each(DEMO_VERTICALS)("has far fewer %s calls at night than at midday", (vertical) => {
      const night = countByUtcHours(calls, vertical, 7, 11);
      const midday = countByUtcHours(calls, vertical, 17, 21);

      expect(midday).toBeGreaterThan(1000);
      expect(night).toBeLessThan(midday * 0.1);
    });

    it.each(DEMO_VERTICALS)("has fewer %s calls on Sunday than on Wednesday", (vertical) => {
      const daytime = calls.filter((call) => call.vertical === vertical && call.createdAt.getUTCHours() >= 15);
      const sunday = daytime.filter((call) => call.createdAt.getUTCDay() === 0).length;
      const wednesday = daytime.filter((call) => call.createdAt.getUTCDay() === 3).length;

      expect(sunday).toBeLessThan(wednesday * 0.6);
    });

    it("has the most salon calls on Saturday", () => {
      const countsByWeekday = [0, 0, 0, 0, 0, 0, 0];
      for (const call of calls) {
        if (call.vertical === "salon" && call.createdAt.getUTCHours() >= 15) {
          const weekday = call.createdAt.getUTCDay();
          countsByWeekday[weekday] = (countsByWeekday[weekday] ?? 0) + 1;
        }
      }
      const saturday = countsByWeekday[6] ?? 0;

      expect(Math.max(...countsByWeekday.slice(0, 6))).toBeLessThan(saturday);
    });

    it("makes healthcare the largest vertical", () => {
      const counts = DEMO_VERTICALS.map((vertical) => calls.filter((call) => call.vertical === vertical).length);
      const healthcare = calls.filter((call) => call.vertical === "healthcare").length;

      expect(Math.max(...counts)).toBe(healthcare);
    });

    it("overspends the real_estate availability budget", () => {
      expect(budgetsOf(budgets, "real_estate").availability).toBeLessThan(0);
    });

    it("leaves 25-50 % of the salon latency budget", () => {
      const remaining = budgetsOf(budgets, "salon").latency;

      expect(remaining).toBeGreaterThanOrEqual(0.25);
      expect(remaining).toBeLessThan(0.5);
    });

    it("leaves 10-22 % of the healthcare quality budget", () => {
      const remaining = budgetsOf(budgets, "healthcare").quality;

      expect(remaining).toBeGreaterThanOrEqual(0.1);
      expect(remaining).toBeLessThan(0.22);
    });

    it("leaves at least 50 % of every other budget", () => {
      const incidentBudgets = new Set(["real_estate/availability", "salon/latency", "healthcare/quality"]);
      for (const [vertical, figures] of budgets) {
        for (const [budget, remaining] of Object.entries(figures)) {
          if (incidentBudgets.has(`${vertical}/${budget}`)) {
            continue;
          }
          expect(remaining, `${vertical} ${budget} remaining`).not.toBeNull();
          expect(remaining, `${vertical} ${budget} remaining`).toBeGreaterThanOrEqual(0.5);
        }
      }
    });
  });

  describe("when options are partial", () => {
    it("fills seed, days and scale with defaults", () => {
      const options = validateDemoOptions({ end: END });

      expect(options).toEqual({ seed: 42, end: END, days: 21, scale: 1 });
    });
  });

  describe("when an option is invalid", () => {
    const invalidCases: { name: string; raw: Partial<DemoOptions>; expected: RegExp }[] = [
      { name: "days below 21", raw: { end: END, days: 14 }, expected: /days=14.*integer from 21 to 365/ },
      { name: "fractional days", raw: { end: END, days: 21.5 }, expected: /days=21\.5.*integer from 21 to 365/ },
      { name: "fractional seed", raw: { end: END, seed: 1.5 }, expected: /seed=1\.5.*integer from 0 to 4294967295/ },
      { name: "NaN seed", raw: { end: END, seed: Number.NaN }, expected: /seed=NaN.*integer from 0 to 4294967295/ },
      { name: "negative seed", raw: { end: END, seed: -1 }, expected: /seed=-1.*integer from 0 to 4294967295/ },
      { name: "zero scale", raw: { end: END, scale: 0 }, expected: /scale=0.*greater than 0 and at most 20/ },
      { name: "negative scale", raw: { end: END, scale: -1 }, expected: /scale=-1.*greater than 0 and at most 20/ },
      { name: "scale above 20", raw: { end: END, scale: 20.5 }, expected: /scale=20\.5.*greater than 0 and at most 20/ },
      { name: "invalid end date", raw: { end: new Date("not a date") }, expected: /end=Invalid Date.*valid date/ },
      { name: "missing end", raw: {}, expected: /Missing demo option end/ },
    ];

    it.each(invalidCases)("rejects $name", ({ raw, expected }) => {
      expect(() => validateDemoOptions(raw)).toThrow(InputError);
      expect(() => validateDemoOptions(raw)).toThrow(expected);
    });

    it("accepts the range limits", () => {
      expect(validateDemoOptions({ end: END, days: 21, seed: 0, scale: 20 }).scale).toBe(20);
      expect(validateDemoOptions({ end: END, days: 365, seed: 4294967295, scale: 0.001 }).days).toBe(365);
    });

    it("throws from generateCalls before iteration", () => {
      expect(() => generateCalls({ seed: 1, end: END, days: 7, scale: 1 })).toThrow(InputError);
    });
  });
});
