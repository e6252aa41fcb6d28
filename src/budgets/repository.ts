import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import type { ComputedBudget } from "./compute.ts";

/** A run of the budget computation and the budgets it wrote. */
export interface BudgetRun {
  runId: number;
  windowEnd: Date;
  budgets: ComputedBudget[];
}

/** Writes one run and its budgets; call inside a transaction so readers never see half a run. */
export async function insertBudgetRun(
  tx: Queryable,
  startedAt: Date,
  windowEnd: Date,
  budgets: readonly ComputedBudget[],
): Promise<number> {
  const [run] = await tx.query<{ id: number }>(
    "insert into budget_runs (started_at, finished_at, window_end) values ($1, now(), $2) returning id",
    [startedAt, windowEnd],
  );
  if (run === undefined) {
    throw new Error("insert into budget_runs returned no id");
  }
  const column = <T>(pick: (budget: ComputedBudget) => T) => budgets.map(pick);
  await tx.query(
    `insert into error_budgets
       (run_id, vertical, tenant_id, name, target, budget, sli, burn, burn_rate, remaining,
        eligible, good, status, window_start, window_end, computed_at)
     select $1, * , $15::timestamptz from unnest(
       $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
       $9::float8[], $10::float8[], $11::int8[], $12::int8[], $13::text[], $14::timestamptz[], $16::timestamptz[])`,
    [
      run.id,
      column((b) => b.vertical),
      column((b) => b.tenantId),
      column((b) => b.name),
      column((b) => b.target),
      column((b) => b.budget),
      column((b) => b.sli),
      column((b) => b.burn),
      column((b) => b.burnRate),
      column((b) => b.remaining),
      column((b) => b.eligible),
      column((b) => b.good),
      column((b) => b.status),
      column((b) => b.windowStart),
      windowEnd,
      column((b) => b.windowEnd),
    ],
  );
  return run.id;
}

const latestRowSchema = z.object({
  run_id: z.number(),
  vertical: z.string(),
  tenant_id: z.string().nullable(),
  name: z.string(),
  target: z.number(),
  budget: z.number(),
  sli: z.number().nullable(),
  burn: z.number().nullable(),
  burn_rate: z.number().nullable(),
  remaining: z.number().nullable(),
  eligible: z.number(),
  good: z.number(),
  status: z.enum(["ok", "no_data"]),
  window_start: z.date(),
  window_end: z.date(),
});

/** Reads the budgets of the newest run, or null when budgets were never computed. */
export async function readLatestBudgetRun(db: Queryable): Promise<BudgetRun | null> {
  const rows = await db.query(
    `select run_id, vertical, tenant_id, name, target, budget, sli, burn, burn_rate, remaining,
            eligible, good, status, window_start, window_end
     from error_budgets_latest order by vertical, tenant_id nulls first, name`,
  );
  if (rows.length === 0) {
    return null;
  }
  const parsed = rows.map((row) => latestRowSchema.parse(row));
  const budgets: ComputedBudget[] = parsed.map((row) => ({
    vertical: row.vertical,
    tenantId: row.tenant_id,
    name: row.name,
    target: row.target,
    budget: row.budget,
    sli: row.sli,
    burn: row.burn,
    burnRate: row.burn_rate,
    remaining: row.remaining,
    eligible: row.eligible,
    good: row.good,
    status: row.status,
    windowStart: row.window_start,
    windowEnd: row.window_end,
  }));
  const first = parsed[0]!;
  return { runId: first.run_id, windowEnd: first.window_end, budgets };
}
