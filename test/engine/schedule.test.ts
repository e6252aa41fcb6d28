import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLatestBudgetRun } from "../../src/budgets/repository.ts";
import { insertCalls } from "../../src/db/calls.ts";
import type { Database } from "../../src/db/database.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { PolicyEngine } from "../../src/policy/engine.ts";
import { BudgetService } from "../../src/service/service.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { createBudgetsFile, engineConfig, type TempBudgetsFile } from "./support.ts";

describe("scheduled ticks across replicas", () => {
  let test: TestDatabase;
  let secondPool: Database;
  let first: BudgetService;
  let second: BudgetService;
  let broken: TempBudgetsFile;

  beforeAll(async () => {
    test = await createTestPostgres();
    // The second replica has a pool of its own, as a second process would.
    secondPool = await openPostgres({ connectionString: test.url!, maxConnections: 3 });
    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    await insertCalls(test.db, [buildCall({ createdAt: hoursFrom(clock!.now, -2) }), buildCall({ createdAt: hoursFrom(clock!.now, -3), ok: false })]);
    const engine = await PolicyEngine.load();
    first = new BudgetService(test.db, engineConfig(), engine);
    second = new BudgetService(secondPool, engineConfig(), await PolicyEngine.load());
    broken = await createBudgetsFile("budgets:\n  - {name: quality, sli: quality, target: 1, gates: [prompt]}\n");
  });

  afterAll(async () => {
    await first.decisionLog.close();
    await second.decisionLog.close();
    await secondPool.close();
    await test.drop();
    await broken.remove();
  });

  const runsOf = async (slot: Date) =>
    (await test.db.query<{ count: number }>("select count(*)::int as count from budget_runs where tick_slot = $1", [slot]))[0]?.count;

  it("computes a tick once for two replicas at once", async () => {
    const slot = new Date("2026-06-01T12:00:00Z");
    const outcomes = await Promise.all([first.tick(slot), second.tick(slot)]);
    expect(outcomes.filter((outcome) => outcome === "computed")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "skipped_locked" || outcome === "skipped_done")).toHaveLength(1);
    expect(await runsOf(slot)).toBe(1);
  });

  it("skips a tick another replica finished", async () => {
    const slot = new Date("2026-06-01T12:01:00Z");
    expect(await first.tick(slot)).toBe("computed");
    // A replica whose clock lags fires the same tick after the first one finished.
    expect(await second.tick(slot)).toBe("skipped_done");
    expect(await runsOf(slot)).toBe(1);
    expect(second.data?.revision).toBe(first.data?.revision);
  });

  it("computes each new tick", async () => {
    const slots = [new Date("2026-06-01T12:02:00Z"), new Date("2026-06-01T12:03:00Z")];
    expect(await second.tick(slots[0])).toBe("computed");
    expect(await first.tick(slots[1])).toBe("computed");
    expect(await runsOf(slots[0]!)).toBe(1);
    expect(await runsOf(slots[1]!)).toBe(1);
  });

  it("keeps last good budgets after failure", async () => {
    const before = await readLatestBudgetRun(test.db);
    const failing = new BudgetService(test.db, engineConfig(broken.file), first.engine);
    const slot = new Date("2026-06-01T12:04:00Z");
    expect(await failing.tick(slot)).toBe("failed");
    expect(await runsOf(slot)).toBe(0);
    const after = await readLatestBudgetRun(test.db);
    expect(after?.runId).toBe(before?.runId);
    expect(after?.budgets.find((budget) => budget.name === "quality")?.remaining).toBeCloseTo((0.5 - 0.95) / 0.05, 9);
    // The next tick with a valid file computes again.
    expect(await first.tick(slot)).toBe("computed");
  });
});
