/**
 * The advisory lock that lets one process at a time compute budgets in a schema. It is a session
 * lock, so it must be taken and released on the same connection (Database.withSession).
 */
import type { Queryable } from "../db/database.ts";

const KEY = "hashtext(current_schema() || ':budgetgate.compute')";

/** Takes the compute lock without waiting; returns whether this session now holds it. */
export async function tryComputeLock(session: Queryable): Promise<boolean> {
  const [row] = await session.query<{ locked: boolean }>(`select pg_try_advisory_lock(${KEY}) as locked`);
  return row?.locked === true;
}

/** Waits for the compute lock, for work such as a rebuild that must not be skipped. */
export async function waitForComputeLock(session: Queryable): Promise<void> {
  await session.query(`select pg_advisory_lock(${KEY})`);
}

export async function releaseComputeLock(session: Queryable): Promise<void> {
  await session.query(`select pg_advisory_unlock(${KEY})`);
}

/** Checks whether a run was already written for the cron tick scheduled at `slot`. */
export async function tickAlreadyComputed(db: Queryable, slot: Date): Promise<boolean> {
  const rows = await db.query("select 1 from budget_runs where tick_slot = $1", [slot]);
  return rows.length > 0;
}
