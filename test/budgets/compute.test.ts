import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ComputedBudget } from "../../src/budgets/compute.ts";
import { readBudgetCounts } from "../../src/budgets/counts.ts";
import { loadBudgetDefinitions } from "../../src/budgets/definitions.ts";
import { readLatestBudgetRun } from "../../src/budgets/repository.ts";
import { runBudgetComputation } from "../../src/budgets/run.ts";
import { loadConfig } from "../../src/config/config.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPglite, createTestPostgres, type TestDatabase } from "../helpers/database.ts";

const END = new Date("2026-06-01T00:00:00Z");
const WINDOW_START = hoursFrom(END, -7 * 24);
const CONFIG = loadConfig({});

/**
 * A small hand-computed dataset. The healthcare window has 10 calls, 9 of them connected.
 * First responses of the connected calls: 100, 200, 800, 801, 1500, null, 300, 400, 500 ms, so 8
 * are measured and 6 are within 800 ms. Maximum silences: 1000, 4000, 4001, null, 500, 600, 700,
 * 800, 900 ms, so 8 are measured and 7 are within 4 s. 8 of the 9 connected calls are ok.
 * Connected call i is at END - 24 h - i h.
 */
function goldenCalls() {
  const latencies = [100, 200, 800, 801, 1500, null, 300, 400, 500];
  const silences = [1000, 4000, 4001, null, 500, 600, 700, 800, 900];
  const connected = latencies.map((latency, index) =>
    buildCall({
      createdAt: hoursFrom(END, -24 - index),
      firstResponseMs: latency,
      maxSilenceMs: silences[index] ?? null,
      ok: index !== 4,
      costUsd: 0.2,
    }),
  );
  const dropped = buildCall({
    createdAt: WINDOW_START,
    connected: false,
    ok: false,
    firstResponseMs: null,
    maxSilenceMs: null,
    costUsd: 0.2,
  });
  // Baseline calls (the 14 days before the window) only count for cost: mean 0.16 USD.
  const baseline = [0.1, 0.22].map((costUsd, index) =>
    buildCall({ createdAt: hoursFrom(WINDOW_START, -1 - index), connected: false, ok: false, costUsd }),
  );
  // Calls at the window end and before the baseline count nowhere.
  const outside = [
    buildCall({ createdAt: END, connected: false, costUsd: 50 }),
    buildCall({ createdAt: hoursFrom(WINDOW_START, -14 * 24 - 1), connected: false, costUsd: 50 }),
  ];
  // A second vertical with calls only in the baseline: its ratio budgets have no data.
  const quiet = [buildCall({ vertical: "salon", createdAt: hoursFrom(WINDOW_START, -5), costUsd: 0.3 })];
  return [...connected, dropped, ...baseline, ...outside, ...quiet];
}

function byName(budgets: ComputedBudget[], vertical: string, name: string): ComputedBudget {
  const found = budgets.find((budget) => budget.vertical === vertical && budget.name === name && budget.tenantId === null);
  if (found === undefined) {
    throw new Error(`no ${name} budget for ${vertical}`);
  }
  return found;
}

describe.each([
  { backend: "postgres", open: createTestPostgres },
  { backend: "pglite", open: createTestPglite },
])("budget computation on $backend", ({ open }) => {
  let test: TestDatabase;
  let budgets: ComputedBudget[];

  beforeAll(async () => {
    test = await open();
    await insertCalls(test.db, goldenCalls());
    budgets = (await runBudgetComputation(test.db, { windowEnd: END, config: CONFIG })).budgets;
  });

  afterAll(async () => {
    await test.drop();
  });

  it.each([
    { name: "availability", eligible: 10, good: 9, target: 0.999 },
    { name: "latency", eligible: 8, good: 6, target: 0.95 },
    { name: "stall", eligible: 8, good: 7, target: 0.99 },
    { name: "quality", eligible: 9, good: 8, target: 0.95 },
  ])("computes $name from hand counts", ({ name, eligible, good, target }) => {
    const budget = byName(budgets, "healthcare", name);
    const sli = good / eligible;
    expect(budget.eligible).toBe(eligible);
    expect(budget.good).toBe(good);
    expect(budget.sli).toBeCloseTo(sli, 9);
    expect(budget.burn).toBeCloseTo(1 - sli, 9);
    expect(budget.remaining).toBeCloseTo((sli - target) / (1 - target), 9);
    expect(budget.burnRate).toBeCloseTo((1 - sli) / (1 - target), 9);
    expect(budget.status).toBe("ok");
  });

  it("matches a direct scan of calls", async () => {
    const definitions = await loadBudgetDefinitions(test.db);
    const scanned = await readBudgetCounts(test.db, definitions, END);
    for (const [vertical, perBudget] of scanned) {
      for (const [name, counts] of perBudget) {
        const budget = byName(budgets, vertical, name);
        expect(budget.eligible, `${vertical} ${name} eligible`).toBe(counts.eligible);
        expect(budget.good, `${vertical} ${name} good`).toBe(counts.good);
      }
    }
  });

  it("computes cost against baseline mean", () => {
    const cost = byName(budgets, "healthcare", "cost");
    // Window mean 0.2 USD against a baseline mean of 0.16 USD: 25 % over an allowance of 15 %.
    expect(cost.eligible).toBe(10);
    expect(cost.burn).toBeCloseTo(0.2 / 0.16 - 1, 9);
    expect(cost.remaining).toBeCloseTo(1 - (0.2 / 0.16 - 1) / 0.15, 9);
    expect(cost.target).toBe(0.15);
  });

  it("keeps overspent remaining negative", () => {
    expect(byName(budgets, "healthcare", "availability").remaining).toBeCloseTo((0.9 - 0.999) / 0.001, 9);
  });

  it.each([
    // The dropped call at the window start leaves at END; the 9 left are all good.
    { name: "availability", recoversAt: "2026-06-01T00:00:00.000Z" },
    // The failed call (END - 28 h) leaves 7 days later; the 4 after it are all ok.
    { name: "quality", recoversAt: "2026-06-06T20:00:00.000Z" },
    // The 801 ms call (END - 27 h) is the last slow one; 3 of 3 fast after it leaves.
    { name: "latency", recoversAt: "2026-06-06T21:00:00.000Z" },
    // The 4001 ms silence (END - 26 h) leaves; 2 of 2 good after it.
    { name: "stall", recoversAt: "2026-06-06T22:00:00.000Z" },
    // When the call at END - 32 h moves into the baseline: window mean 0.2 USD, baseline
    // (0.1 + 0.22 + 0.2 + 0.2) / 4 = 0.18 USD, overrun 11.1 %, remaining 0.259 >= 0.25. The cost
    // budget moves whole hours, so the time is when the last minute of that hour has left
    // (16:59), not the minute of the call (16:00).
    { name: "cost", recoversAt: "2026-06-06T16:59:00.000Z" },
  ])("computes recovery time of $name", ({ name, recoversAt }) => {
    expect(byName(budgets, "healthcare", name).recoversAt?.toISOString()).toBe(recoversAt);
  });

  it("reports no data for quiet vertical", () => {
    for (const name of ["availability", "latency", "stall", "quality", "cost"]) {
      const budget = byName(budgets, "salon", name);
      expect(budget.status, name).toBe("no_data");
      expect(budget.remaining, name).toBeNull();
      expect(budget.sli, name).toBeNull();
      expect(budget.recoversAt, name).toBeNull();
      expect(budget.alert, name).toBe("none");
      expect(Object.values(budget.burnRates).every((rate) => rate === null), name).toBe(true);
    }
    expect(byName(budgets, "salon", "quality").eligible).toBe(0);
  });

  it("sets window bounds", () => {
    const quality = byName(budgets, "healthcare", "quality");
    expect(quality.windowStart.toISOString()).toBe(WINDOW_START.toISOString());
    expect(quality.windowEnd.toISOString()).toBe(END.toISOString());
  });
});

describe("runBudgetComputation", () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestPostgres();
  });

  afterAll(async () => {
    await test.drop();
  });

  it("writes one run readable as latest", async () => {
    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    const now = clock!.now;
    await insertCalls(test.db, [
      buildCall({ createdAt: hoursFrom(now, -1) }),
      buildCall({ createdAt: hoursFrom(now, -2), ok: false }),
    ]);
    const first = await runBudgetComputation(test.db, { config: CONFIG });
    const second = await runBudgetComputation(test.db, { config: CONFIG });
    expect(second.runId).toBeGreaterThan(first.runId);

    const latest = await readLatestBudgetRun(test.db);
    expect(latest?.runId).toBe(second.runId);
    expect(latest?.budgets).toHaveLength(5);
    const quality = latest?.budgets.find((budget) => budget.name === "quality");
    expect(quality?.sli).toBeCloseTo(0.5, 12);
    expect(quality?.remaining).toBeCloseTo((0.5 - 0.95) / 0.05, 9);
    expect(quality?.burnRates["6h"]).toBeCloseTo(0.5 / 0.05, 9);
    expect(quality?.burnRates["5m"]).toBeNull();
    expect(quality?.recoversAt).toEqual(second.budgets.find((budget) => budget.name === "quality")?.recoversAt);

    const [rows] = await test.db.query<{ count: number }>("select count(*)::int as count from error_budgets");
    expect(rows?.count).toBe(10);
  });
});
