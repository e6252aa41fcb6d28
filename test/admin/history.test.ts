import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readHourlyCounts, readRollupSpec } from "../../src/admin/history.ts";
import { loadSrePageData } from "../../src/admin/page-data.ts";
import { runBudgetComputation } from "../../src/budgets/run.ts";
import type { RollupSpec } from "../../src/budgets/rollup-spec.ts";
import { loadConfig } from "../../src/config/config.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { HOUR_MS } from "../../src/forecast/index.ts";
import { buildCall } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";

const THRESHOLDS = { block: 0.25, escalate: 0.1, warn: 0.5 };
const WINDOW_END = new Date("2026-06-08T00:30:00Z");
const HOUR_A = Date.parse("2026-06-07T10:00:00Z");
const HOUR_B = Date.parse("2026-06-07T11:00:00Z");

describe("admin history from rollup_hours", () => {
  let test: TestDatabase;
  let spec: RollupSpec;

  beforeAll(async () => {
    test = await createTestPostgres();
    const at = (hourMs: number, minute: number) => new Date(hourMs + minute * 60_000);
    await insertCalls(test.db, [
      // Hour A, tenant a: 10 calls, 2 not connected, 1 connected but failed, 3 slow.
      ...Array.from({ length: 10 }, (_, index) =>
        buildCall({ tenantId: "a", createdAt: at(HOUR_A, index), connected: index >= 2, ok: index >= 3, firstResponseMs: index >= 2 && index < 5 ? 1500 : 400 }),
      ),
      // Hour A, tenant b: 5 healthy calls.
      ...Array.from({ length: 5 }, (_, index) => buildCall({ tenantId: "b", createdAt: at(HOUR_A, 30 + index) })),
      // Hour B, tenant a: 4 calls, 1 failed.
      ...Array.from({ length: 4 }, (_, index) => buildCall({ tenantId: "a", createdAt: at(HOUR_B, index), ok: index !== 0 })),
      // Another vertical in hour A, which must not be counted.
      ...Array.from({ length: 7 }, (_, index) => buildCall({ vertical: "salon", createdAt: at(HOUR_A, index), ok: false })),
    ]);
    await runBudgetComputation(test.db, { windowEnd: WINDOW_END, config: loadConfig({}) });
    spec = (await readRollupSpec(test.db))!;
  });

  afterAll(async () => {
    await test?.drop();
  });

  const range = [new Date(WINDOW_END.getTime() - 24 * HOUR_MS), WINDOW_END] as const;

  it("reads rollup spec", () => {
    expect(spec.latencyThresholds).toEqual([800]);
    expect(spec.stallThresholds).toEqual([4000]);
  });

  it("sums every tenant of vertical", async () => {
    const history = await readHourlyCounts(test.db, spec, { vertical: "healthcare", tenantId: null, sli: "availability", thresholdMs: null }, ...range);
    expect(history).toEqual([
      { hourStartMs: HOUR_A, eligible: 15, bad: 2 },
      { hourStartMs: HOUR_B, eligible: 4, bad: 0 },
    ]);
  });

  it("filters one tenant", async () => {
    const history = await readHourlyCounts(test.db, spec, { vertical: "healthcare", tenantId: "a", sli: "quality", thresholdMs: null }, ...range);
    expect(history).toEqual([
      { hourStartMs: HOUR_A, eligible: 8, bad: 1 },
      { hourStartMs: HOUR_B, eligible: 4, bad: 1 },
    ]);
  });

  it("counts latency at its threshold", async () => {
    const history = await readHourlyCounts(test.db, spec, { vertical: "healthcare", tenantId: null, sli: "latency", thresholdMs: 800 }, ...range);
    expect(history[0]).toEqual({ hourStartMs: HOUR_A, eligible: 13, bad: 3 });
  });

  it("rejects threshold not rolled up", async () => {
    await expect(
      readHourlyCounts(test.db, spec, { vertical: "healthcare", tenantId: null, sli: "stall", thresholdMs: 1234 }, ...range),
    ).rejects.toThrow("the rollups hold no stall counts at 1234 ms (they hold 4000)");
  });

  it("builds page data with forecasts", async () => {
    const data = await loadSrePageData(test.db, THRESHOLDS);
    expect(data.runId).not.toBeNull();
    const quality = data.budgets.find((view) => view.budget.vertical === "healthcare" && view.budget.name === "quality")!;
    // 14 complete hours from 10:00 to midnight: enough for the linear trend, too few for Holt-Winters.
    expect(quality.forecast?.method).toBe("linear");
    expect(quality.forecast?.historyHours).toBe(14);
    expect(quality.chart).toHaveLength(168);
    // 2 bad of 12 eligible at a 5 % budget: the chart ends at the share the engine computed.
    expect(quality.chart!.at(-1)).toBeCloseTo(1 - quality.budget.remaining!, 9);
    const cost = data.budgets.find((view) => view.budget.name === "cost")!;
    expect(cost.forecast).toBeNull();
    expect(cost.forecastNote).toBe("n/a");
    expect(cost.chart).toBeNull();
  });
});
