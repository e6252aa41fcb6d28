import type { Queryable } from "./database.ts";

/** One row of the calls table, as the design's data contract defines it (id assigned by the database). */
export interface CallRecord {
  vertical: string;
  tenantId: string | null;
  createdAt: Date;
  connected: boolean;
  ok: boolean;
  firstResponseMs: number | null;
  maxSilenceMs: number | null;
  costUsd: number;
}

/** Inserts calls in one statement through array parameters. */
export async function insertCalls(db: Queryable, calls: readonly CallRecord[]): Promise<void> {
  if (calls.length === 0) {
    return;
  }
  await db.query(
    `insert into calls (vertical, tenant_id, created_at, connected, ok, first_response_ms, max_silence_ms, cost_usd)
     select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::bool[], $5::bool[], $6::int[], $7::int[], $8::numeric[])`,
    [
      calls.map((c) => c.vertical),
      calls.map((c) => c.tenantId),
      calls.map((c) => c.createdAt),
      calls.map((c) => c.connected),
      calls.map((c) => c.ok),
      calls.map((c) => c.firstResponseMs),
      calls.map((c) => c.maxSilenceMs),
      calls.map((c) => c.costUsd),
    ],
  );
}

/** Number of rows in calls. */
export async function countCalls(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: number }>("select count(*)::float8 as count from calls");
  return row?.count ?? 0;
}
