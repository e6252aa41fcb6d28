import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BUDGETS_FILE } from "../../src/budgets/load-budgets.ts";
import type { BudgetRun } from "../../src/budgets/run.ts";
import { insertCalls, type CallRecord } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPglite, createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { budgetOf, computeAt, createBudgetsFile, engineConfig, minutesFrom, type TempBudgetsFile } from "./support.ts";

const END = new Date("2026-06-01T00:00:00Z");
const seconds = (at: Date, count: number) => new Date(at.getTime() + count * 1000);

function calls(count: number, createdAt: Date, overrides: Partial<CallRecord> = {}): CallRecord[] {
  return Array.from({ length: count }, () => buildCall({ createdAt, ...overrides }));
}

/** Inserts a planned burn directly, so that it may lie anywhere in the past. */
async function insertBurn(
  test: TestDatabase,
  burn: { vertical: string; tenant?: string; budgets: string[]; start: Date; end: Date; endedAt?: Date },
): Promise<void> {
  await test.db.query(
    `insert into planned_burns (vertical, tenant_id, budgets, starts_at, ends_at, reason, author, ended_at)
     values ($1, $2, $3::text[], $4, $5, 'drill', 'tester', $6)`,
    [burn.vertical, burn.tenant ?? null, burn.budgets, burn.start, burn.end, burn.endedAt ?? null],
  );
}

describe.each([
  { backend: "postgres", open: createTestPostgres },
  { backend: "pglite", open: createTestPglite },
])("planned burn exclusion on $backend", ({ open }) => {
  let test: TestDatabase;
  let budgets: TempBudgetsFile;
  let run: BudgetRun;

  beforeAll(async () => {
    test = await open();
    // The default budgets, plus a latency budget of tenant t1 of burn_b.
    const defaults = await readFile(DEFAULT_BUDGETS_FILE, "utf8");
    budgets = await createBudgetsFile(
      defaults.replace("threshold_ms: 800\n", "threshold_ms: 800\n    overrides: [{vertical: burn_b, tenant: t1, target: 0.9}]\n"),
    );

    const burnStart = hoursFrom(END, -48);
    // A: a quality burn from 30 s past a minute to 10 minutes later. The first minute overlaps
    // the burn and is left out whole; the minute that starts at the burn's end counts.
    await insertCalls(test.db, [
      ...calls(100, hoursFrom(END, -72), { vertical: "burn_a" }),
      ...calls(10, seconds(burnStart, 10), { vertical: "burn_a", ok: false }),
      ...calls(5, seconds(burnStart, 599), { vertical: "burn_a", ok: false }),
      ...calls(4, seconds(burnStart, 600), { vertical: "burn_a", ok: false }),
    ]);
    await insertBurn(test, { vertical: "burn_a", budgets: ["quality"], start: seconds(burnStart, 30), end: seconds(burnStart, 600) });

    // B: a latency burn of tenant t1 only; slow calls of t2 in the same minutes count.
    await insertCalls(test.db, [
      ...calls(10, hoursFrom(END, -72), { vertical: "burn_b", tenantId: "t2" }),
      ...calls(3, minutesFrom(hoursFrom(END, -24), 5), { vertical: "burn_b", tenantId: "t1", firstResponseMs: 2000 }),
      ...calls(2, minutesFrom(hoursFrom(END, -24), 5), { vertical: "burn_b", tenantId: "t2", firstResponseMs: 2000 }),
    ]);
    await insertBurn(test, { vertical: "burn_b", tenant: "t1", budgets: ["latency"], start: hoursFrom(END, -24), end: hoursFrom(END, -23) });

    // C: a stall burn ended one hour after its start; later calls in its planned range count.
    await insertCalls(test.db, [
      ...calls(10, hoursFrom(END, -144), { vertical: "burn_c" }),
      ...calls(2, minutesFrom(hoursFrom(END, -120), 30), { vertical: "burn_c", maxSilenceMs: 5000 }),
      ...calls(3, hoursFrom(END, -118), { vertical: "burn_c", maxSilenceMs: 5000 }),
    ]);
    await insertBurn(test, { vertical: "burn_c", budgets: ["stall"], start: hoursFrom(END, -120), end: hoursFrom(END, -96), endedAt: hoursFrom(END, -119) });

    // D: a cost burn over expensive calls: window mean 0.1 USD without them, 0.55 USD with them.
    await insertCalls(test.db, [
      ...calls(10, hoursFrom(END, -240), { vertical: "burn_d", costUsd: 0.1 }),
      ...calls(10, hoursFrom(END, -72), { vertical: "burn_d", costUsd: 0.1 }),
      ...calls(10, hoursFrom(END, -48), { vertical: "burn_d", costUsd: 1 }),
    ]);
    await insertBurn(test, { vertical: "burn_d", budgets: ["cost"], start: hoursFrom(END, -49), end: hoursFrom(END, -47) });

    run = await computeAt(test.db, END, engineConfig(budgets.file));
  });

  afterAll(async () => {
    await test.drop();
    await budgets.remove();
  });

  it("leaves covered minutes out of named budget", () => {
    const quality = budgetOf(run, "burn_a", "quality");
    expect(quality.eligible).toBe(104);
    expect(quality.good).toBe(100);
  });

  it("keeps calls in budgets not named", () => {
    const availability = budgetOf(run, "burn_a", "availability");
    expect(availability.eligible).toBe(119);
    expect(budgetOf(run, "burn_a", "latency").eligible).toBe(119);
  });

  it("limits tenant burn to its tenant", () => {
    const latency = budgetOf(run, "burn_b", "latency");
    expect(latency.eligible).toBe(12);
    expect(latency.good).toBe(10);
    const tenant = budgetOf(run, "burn_b", "latency", "t1");
    expect(tenant.status).toBe("no_data");
    expect(tenant.target).toBe(0.9);
  });

  it("stops excluding at early end", () => {
    const stall = budgetOf(run, "burn_c", "stall");
    expect(stall.eligible).toBe(13);
    expect(stall.good).toBe(10);
  });

  it("excludes calls from cost window", () => {
    const cost = budgetOf(run, "burn_d", "cost");
    expect(cost.eligible).toBe(10);
    expect(cost.burn).toBeCloseTo(0, 12);
    expect(cost.remaining).toBeCloseTo(1, 12);
  });

  it("keeps burn records", async () => {
    const rows = await test.db.query<{ count: number }>("select count(*)::int as count from planned_burns");
    expect(rows[0]?.count).toBe(4);
  });
});
