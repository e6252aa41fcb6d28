import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { BudgetRun } from "../../src/budgets/run.ts";
import { runBudgetComputation } from "../../src/budgets/run.ts";
import { insertCalls } from "../../src/db/calls.ts";
import type { CallRecord } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { budgetOf, computeAt, createBudgetsFile, engineConfig, minutesFrom, type TempBudgetsFile } from "./support.ts";

const END = new Date("2026-06-01T00:00:00Z");

const BUDGETS = `budgets:
  - {name: availability, sli: availability, target: 0.999, gates: [platform]}
  - {name: quality, sli: quality, target: 0.95, gates: [prompt]}
  - name: quality_page
    sli: quality
    target: 0.95
    gates: [prompt]
    alerting: {page: [{long: 1h, short: 5m, budget_spent: 0.02}]}
  - name: quality_ticket
    sli: quality
    target: 0.95
    gates: [prompt]
    alerting: {page: [], ticket: [{long: 1d, short: 2h, budget_spent: 0.1}]}
  - name: quality_quiet
    sli: quality
    target: 0.95
    gates: [prompt]
    alerting: {min_events: 25, page: [{long: 1h, short: 5m, budget_spent: 0.02}]}
`;

function calls(count: number, createdAt: Date, overrides: Partial<CallRecord> = {}): CallRecord[] {
  return Array.from({ length: count }, () => buildCall({ createdAt, ...overrides }));
}

/**
 * Quality of healthcare, newest first: 20 calls 2 min before END (10 failed), 20 good at 40 min,
 * 60 at 3 h, 100 at 12 h, 200 at 2 d and 600 at 5 d. Failed share per window: 5m and 30m 10/20,
 * 1h and 2h 10/40, 6h 10/100, 1d 10/200, 3d 10/400, 7d 10/1000; with budget 0.05 the burn
 * rates are 10, 10, 5, 5, 2, 1, 0.5 and 0.2.
 */
function burnCalls(): CallRecord[] {
  return [
    ...calls(10, minutesFrom(END, -2)),
    ...calls(10, minutesFrom(END, -2), { ok: false }),
    ...calls(20, minutesFrom(END, -40)),
    ...calls(60, hoursFrom(END, -3)),
    ...calls(100, hoursFrom(END, -12)),
    ...calls(200, hoursFrom(END, -48)),
    ...calls(600, hoursFrom(END, -120)),
  ];
}

describe("burn rates and alerts", () => {
  let test: TestDatabase;
  let budgets: TempBudgetsFile;
  let run: BudgetRun;

  beforeAll(async () => {
    test = await createTestPostgres();
    budgets = await createBudgetsFile(BUDGETS);
    await insertCalls(test.db, burnCalls());
    // A call that never connected: availability has an event, quality has none.
    await insertCalls(test.db, [buildCall({ vertical: "dental", createdAt: hoursFrom(END, -10), connected: false, ok: false })]);
    run = await computeAt(test.db, END, engineConfig(budgets.file));
  });

  afterAll(async () => {
    await test.drop();
    await budgets.remove();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("computes burn rate per window", () => {
    const quality = budgetOf(run, "healthcare", "quality");
    const expected = { "5m": 10, "30m": 10, "1h": 5, "2h": 5, "6h": 2, "1d": 1, "3d": 0.5 };
    for (const [window, rate] of Object.entries(expected)) {
      expect(quality.burnRates[window as keyof typeof expected], window).toBeCloseTo(rate, 9);
    }
    expect(quality.burnRate).toBeCloseTo(0.2, 9);
    expect(quality.remaining).toBeCloseTo(0.8, 9);
  });

  it.each([
    // 7-day defaults: factors 8.4 (1h/5m), 2.8 (6h/30m), 1.4 (1d/2h), 1.05 (3d/6h); none exceeded in both windows.
    { name: "quality", alert: "none" },
    // 2 % in 1 h of 7 days: factor 3.36; 1h 5 and 5m 10 both exceed it.
    { name: "quality_page", alert: "page" },
    // 10 % in 1 d of 7 days: factor 0.7; 1d 1 and 2h 5 both exceed it.
    { name: "quality_ticket", alert: "ticket" },
    // Same as quality_page, but the 5m window has 20 events, below min_events 25.
    { name: "quality_quiet", alert: "none" },
  ])("gives $alert for $name", ({ name, alert }) => {
    expect(budgetOf(run, "healthcare", name).alert).toBe(alert);
  });

  it("stores burn rates and alert", async () => {
    const rows = await test.db.query<{ burn_rates: Record<string, number | null>; alert: string }>(
      "select burn_rates, alert from error_budgets_latest where vertical = 'healthcare' and name = 'quality_page'",
    );
    expect(rows[0]?.alert).toBe("page");
    expect(rows[0]?.burn_rates["1h"]).toBeCloseTo(5, 9);
    expect(Object.keys(rows[0]?.burn_rates ?? {}).sort()).toEqual(["1d", "1h", "2h", "30m", "3d", "5m", "6h"]);
  });

  it("reports no data, not 0 or 100 %", () => {
    const quality = budgetOf(run, "dental", "quality");
    expect(quality.status).toBe("no_data");
    expect(quality.sli).toBeNull();
    expect(quality.remaining).toBeNull();
    expect(quality.burnRate).toBeNull();
    expect(quality.alert).toBe("none");
    expect(quality.recoversAt).toBeNull();
    expect(Object.values(quality.burnRates)).toEqual([null, null, null, null, null, null, null]);
  });

  it("stores overspent remaining unclamped", async () => {
    await insertCalls(test.db, calls(3, hoursFrom(END, -30), { vertical: "salon", connected: false, ok: false }));
    await insertCalls(test.db, calls(7, hoursFrom(END, -30), { vertical: "salon" }));
    await computeAt(test.db, END, engineConfig(budgets.file));
    const [row] = await test.db.query<{ remaining: number; recovers_at: Date | null }>(
      "select remaining, recovers_at from error_budgets_latest where vertical = 'salon' and name = 'availability'",
    );
    // 7 of 10 connected, target 0.999: (0.7 - 0.999) / 0.001 = -299.
    expect(row?.remaining).toBeCloseTo(-299, 6);
    // Every call is in one minute; once it leaves the window is empty.
    expect(row?.recovers_at?.toISOString()).toBe(hoursFrom(END, -30 + 7 * 24).toISOString());
  });

  it("ends windows at database clock", async () => {
    const [before] = await test.db.query<{ now: Date }>("select now() as now");
    await insertCalls(test.db, [
      buildCall({ vertical: "skew", createdAt: minutesFrom(before!.now, -30) }),
      // Stamped by a producer whose clock runs 10 minutes ahead: not in any window yet.
      buildCall({ vertical: "skew", createdAt: minutesFrom(before!.now, 10), connected: false }),
    ]);
    // The service's own clock runs two days ahead; the windows must not move with it.
    vi.useFakeTimers({ toFake: ["Date"], now: hoursFrom(before!.now, 48) });
    const skewed = await runBudgetComputation(test.db, { config: engineConfig(budgets.file) });
    vi.useRealTimers();
    const [after] = await test.db.query<{ now: Date }>("select now() as now");

    expect(skewed.windowEnd.getTime()).toBeGreaterThanOrEqual(before!.now.getTime());
    expect(skewed.windowEnd.getTime()).toBeLessThanOrEqual(after!.now.getTime());
    const availability = budgetOf(skewed, "skew", "availability");
    expect(availability.eligible).toBe(1);
    expect(availability.good).toBe(1);
  });
});
