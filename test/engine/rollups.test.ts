import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBudgetCounts } from "../../src/budgets/counts.ts";
import { loadBudgetDefinitions } from "../../src/budgets/definitions.ts";
import { rollupSpecFor } from "../../src/budgets/rollup-spec.ts";
import { rebuildRollups } from "../../src/budgets/rollups.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPglite, createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { budgetOf, computeAt, createBudgetsFile, engineConfig, minutesFrom, type TempBudgetsFile } from "./support.ts";

const END = new Date("2026-06-01T00:00:00Z");

const LATENCY_BUDGETS = (thresholdMs: number) => `budgets:
  - {name: availability, sli: availability, target: 0.999, gates: [platform]}
  - {name: latency, sli: latency, target: 0.95, threshold_ms: ${thresholdMs}, gates: [platform]}
`;

async function insertWithId(test: TestDatabase, id: number, vertical: string, createdAt: Date, connected = true): Promise<void> {
  await test.db.query(
    `insert into calls (id, vertical, tenant_id, created_at, connected, ok, first_response_ms, max_silence_ms, cost_usd)
     values ($1, $2, null, $3, $4, $4, 400, 1000, 0.1)`,
    [id, vertical, createdAt, connected],
  );
}

describe.each([
  { backend: "postgres", open: createTestPostgres },
  { backend: "pglite", open: createTestPglite },
])("incremental rollups on $backend", ({ open }) => {
  let test: TestDatabase;
  let budgets: TempBudgetsFile;

  beforeAll(async () => {
    test = await open();
    budgets = await createBudgetsFile(LATENCY_BUDGETS(800));
  });

  afterAll(async () => {
    await test.drop();
    await budgets.remove();
  });

  const compute = () => computeAt(test.db, END, engineConfig(budgets.file));
  const rebuild = async () => rebuildRollups(test.db, rollupSpecFor(await loadBudgetDefinitions(test.db)), END);

  it("folds late call in", async () => {
    await insertCalls(test.db, [0, 1, 2].map(() => buildCall({ vertical: "late", createdAt: hoursFrom(END, -48) })));
    expect(budgetOf(await compute(), "late", "availability").eligible).toBe(3);

    // A call stamped three days ago but inserted now has a new id, so the watermark finds it.
    await insertCalls(test.db, [buildCall({ vertical: "late", createdAt: hoursFrom(END, -72), connected: false })]);
    const availability = budgetOf(await compute(), "late", "availability");
    expect(availability.eligible).toBe(4);
    expect(availability.good).toBe(3);

    const [state] = await test.db.query<{ watermark_id: number }>("select watermark_id from rollup_state");
    const [max] = await test.db.query<{ max: number }>("select max(id)::int8 as max from calls");
    expect(state?.watermark_id).toBe(max?.max);
  });

  it("folds out-of-order id within horizon", async () => {
    await insertWithId(test, 500_000, "order", hoursFrom(END, -48));
    expect(budgetOf(await compute(), "order", "availability").eligible).toBe(1);

    // An id below the watermark, as when a transaction that took its id earlier commits later.
    await insertWithId(test, 400_000, "order", minutesFrom(END, -5), false);
    expect(budgetOf(await compute(), "order", "availability").eligible).toBe(2);

    // Stamped before the late-arrival horizon: only a rebuild finds it.
    await insertWithId(test, 400_001, "order", hoursFrom(END, -30), false);
    expect(budgetOf(await compute(), "order", "availability").eligible).toBe(2);
    await rebuild();
    const availability = budgetOf(await compute(), "order", "availability");
    expect(availability.eligible).toBe(3);
    expect(availability.good).toBe(1);
    // Later tests insert with generated ids, which must stay above the explicit ones.
    await test.db.query("select setval(pg_get_serial_sequence('calls', 'id'), 600000)");
  });

  it("rebuilds after threshold change", async () => {
    await insertCalls(test.db, [0, 1].map(() => buildCall({ vertical: "threshold", createdAt: hoursFrom(END, -10), firstResponseMs: 500 })));
    expect(budgetOf(await compute(), "threshold", "latency").good).toBe(2);

    await budgets.write(LATENCY_BUDGETS(300));
    const latency = budgetOf(await compute(), "threshold", "latency");
    expect(latency.eligible).toBe(2);
    expect(latency.good).toBe(0);
    const [state] = await test.db.query<{ spec: { latencyThresholds: number[] } }>("select spec from rollup_state");
    expect(state?.spec.latencyThresholds).toEqual([300]);
    await budgets.write(LATENCY_BUDGETS(800));
  });

  it("keeps no bucket past retention", async () => {
    await insertCalls(test.db, [buildCall({ vertical: "ancient", createdAt: hoursFrom(END, -40 * 24) })]);
    const run = await compute();
    expect(run.budgets.some((budget) => budget.vertical === "ancient")).toBe(false);
    const [old] = await test.db.query<{ count: number }>(
      "select count(*)::int as count from rollup_minutes where bucket < $1::timestamptz",
      [hoursFrom(END, -30 * 24)],
    );
    expect(old?.count).toBe(0);
  });

  it("matches days, hours and minutes", async () => {
    // Calls within the retention period, whose days are all kept whole.
    const [sums] = await test.db.query<{ minutes: number; hours: number; days: number }>(
      `select (select coalesce(sum(calls), 0)::int from rollup_minutes where bucket >= $1) as minutes,
              (select coalesce(sum(calls), 0)::int from rollup_hours where bucket >= $1) as hours,
              (select coalesce(sum(calls), 0)::int from rollup_days where bucket >= $1) as days`,
      [hoursFrom(END, -20 * 24)],
    );
    expect(sums?.minutes).toBeGreaterThan(0);
    expect(sums?.hours).toBe(sums?.minutes);
    expect(sums?.days).toBe(sums?.minutes);
  });

  it("matches scan at unaligned end", async () => {
    // 45 minutes past the hour: the end edge is read as its hour less the minutes after the end.
    const end = minutesFrom(END, 45);
    const offsets = [-7 * 1440 - 1, -7 * 1440, -7 * 1440 + 29, -7 * 1440 + 31, -3 * 1440 - 1, -61, -59, -31, -29, -1, 0, 1, -21 * 1440, -21 * 1440 - 1];
    await insertCalls(
      test.db,
      offsets.map((offset, index) => buildCall({ vertical: "edges", createdAt: minutesFrom(end, offset), connected: index % 3 !== 0, costUsd: 0.1 * (index + 1) })),
    );
    const run = await computeAt(test.db, end, engineConfig(budgets.file));
    const definitions = await loadBudgetDefinitions(test.db);
    const scanned = await readBudgetCounts(test.db, definitions, end);
    for (const [vertical, perBudget] of scanned) {
      for (const [name, counts] of perBudget) {
        const budget = budgetOf(run, vertical, name);
        expect(budget.eligible, `${vertical} ${name} eligible`).toBe(counts.eligible);
        expect(budget.good, `${vertical} ${name} good`).toBe(counts.good);
      }
    }
    // In [end - 7 d, end): the offsets from -7 d to -1 minute, 9 of them.
    expect(budgetOf(run, "edges", "availability").eligible).toBe(9);
  });

  it("follows a calls view with uuid ids", async () => {
    await test.db.query("drop table calls cascade");
    await test.db.query(
      `create table call_source (
         id uuid primary key default gen_random_uuid(), vertical text not null, tenant_id text,
         created_at timestamptz not null, connected boolean not null, ok boolean not null,
         first_response_ms integer, max_silence_ms integer, cost_usd numeric not null)`,
    );
    await test.db.query("create view calls as select * from call_source");
    const insert = (createdAt: Date) =>
      test.db.query(
        `insert into call_source (vertical, created_at, connected, ok, first_response_ms, max_silence_ms, cost_usd)
         values ('view', $1, true, true, 400, 1000, 0.1)`,
        [createdAt],
      );
    await insert(hoursFrom(END, -5));
    await rebuild();
    expect(budgetOf(await compute(), "view", "availability").eligible).toBe(1);

    // Without an integer id only the late-arrival horizon is aggregated again.
    await insert(minutesFrom(END, -3));
    expect(budgetOf(await compute(), "view", "availability").eligible).toBe(2);
    await insert(hoursFrom(END, -2));
    expect(budgetOf(await compute(), "view", "availability").eligible).toBe(2);
    await rebuild();
    expect(budgetOf(await compute(), "view", "availability").eligible).toBe(3);
    const [state] = await test.db.query<{ watermark_id: number | null }>("select watermark_id from rollup_state");
    expect(state?.watermark_id).toBeNull();
  });
});
