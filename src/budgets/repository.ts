import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import { BURN_WINDOWS, emptyBurnRates, type BurnRates } from "./alerts.ts";
import type { ComputedBudget } from "./compute.ts";

/** A run of the budget computation and the budgets it wrote. */
export interface BudgetRun {
  runId: number;
  windowEnd: Date;
  budgets: ComputedBudget[];
}

/**
 * Writes one run and its budgets; call inside a transaction so readers never see half a run.
 * `tickSlot` is the scheduled time of the cron tick, unique per run; null for runs started by hand.
 */
export async function insertBudgetRun(
  tx: Queryable,
  startedAt: Date,
  windowEnd: Date,
  budgets: readonly ComputedBudget[],
  tickSlot: Date | null = null,
): Promise<number> {
  const column = <T>(pick: (budget: ComputedBudget) => T) => budgets.map(pick);
  // One statement writes the run and its budgets.
  const [run] = await tx.query<{ id: number }>(
    `with run as (
       insert into budget_runs (started_at, finished_at, window_end, tick_slot) values ($17, now(), $15, $18) returning id
     ),
     rows as (
       insert into error_budgets
         (run_id, vertical, tenant_id, name, target, budget, sli, burn, burn_rate, remaining,
          eligible, good, status, window_start, window_end, computed_at, burn_rates, alert, recovers_at)
       select (select id from run), b.vertical, b.tenant_id, b.name, b.target, b.budget, b.sli, b.burn, b.burn_rate,
              b.remaining, b.eligible, b.good, b.status, b.window_start, b.window_end, $15::timestamptz,
              b.burn_rates::jsonb, b.alert, b.recovers_at
       from unnest(
         $1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
         $8::float8[], $9::float8[], $10::int8[], $11::int8[], $12::text[], $13::timestamptz[], $14::timestamptz[],
         $16::text[], $19::text[], $20::timestamptz[])
         as b(vertical, tenant_id, name, target, budget, sli, burn, burn_rate, remaining, eligible, good, status,
              window_start, window_end, burn_rates, alert, recovers_at)
     )
     select id from run`,
    [
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
      column((b) => b.windowEnd),
      windowEnd,
      column((b) => JSON.stringify(b.burnRates)),
      startedAt,
      tickSlot,
      column((b) => b.alert),
      column((b) => b.recoversAt),
    ],
  );
  if (run === undefined) {
    throw new Error("insert into budget_runs returned no id");
  }
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
  burn_rates: z.record(z.string(), z.number().nullable()).nullish(),
  alert: z.enum(["page", "ticket", "none"]).nullish(),
  recovers_at: z.date().nullish(),
});

function burnRatesOf(stored: Record<string, number | null> | null | undefined): BurnRates {
  const rates = emptyBurnRates();
  for (const window of BURN_WINDOWS) {
    rates[window] = stored?.[window] ?? null;
  }
  return rates;
}

/** Reads the budgets of the newest run, or null when budgets were never computed. */
export async function readLatestBudgetRun(db: Queryable): Promise<BudgetRun | null> {
  const rows = await db.query(
    `select run_id, vertical, tenant_id, name, target, budget, sli, burn, burn_rate, remaining,
            eligible, good, status, window_start, window_end, burn_rates, alert, recovers_at
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
    burnRates: burnRatesOf(row.burn_rates),
    alert: row.alert ?? "none",
    recoversAt: row.recovers_at ?? null,
  }));
  const first = parsed[0]!;
  return { runId: first.run_id, windowEnd: first.window_end, budgets };
}
