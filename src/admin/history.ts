/**
 * Hourly history of one ratio budget from rollup_hours: eligible and bad events per UTC hour, as
 * the forecast and the burn chart of the admin page need them.
 */
import { rollupSpecSchema, thresholdPosition, type RollupSpec } from "../budgets/rollup-spec.ts";
import type { SliKind } from "../budgets/definitions.ts";
import type { Queryable } from "../db/database.ts";
import { DatabaseError, describeError } from "../errors.ts";
import type { HourlyCounts } from "../forecast/index.ts";

export type RatioSli = Exclude<SliKind, "cost">;

export interface HistoryScope {
  vertical: string;
  /** Null for the budget of the whole vertical, which sums every tenant's calls. */
  tenantId: string | null;
  sli: RatioSli;
  /** Good-event limit of a latency or stall budget, in milliseconds; ignored otherwise. */
  thresholdMs: number | null;
}

/** Reads the spec the rollups were built with, or null while they are not built. */
export async function readRollupSpec(db: Queryable): Promise<RollupSpec | null> {
  const [row] = await db.query<{ spec: unknown }>("select spec from rollup_state");
  const parsed = rollupSpecSchema.safeParse(row?.spec);
  return parsed.success ? parsed.data : null;
}

/**
 * Column expressions of the eligible and good counts of an SLI. Only these fixed strings enter the
 * SQL text; the threshold position goes in as parameter $5.
 */
function countColumns(sli: RatioSli): { eligible: string; good: string } {
  switch (sli) {
    case "availability":
      return { eligible: "h.calls", good: "h.connected" };
    case "quality":
      return { eligible: "h.connected", good: "h.connected_ok" };
    case "latency":
      return { eligible: "h.latency_eligible", good: "h.latency_good[$5::int]" };
    case "stall":
      return { eligible: "h.stall_eligible", good: "h.stall_good[$5::int]" };
  }
}

/**
 * Reads eligible and bad events per hour for `start <= bucket < end`, ascending, leaving out hours
 * without eligible events. Throws when a latency or stall threshold is not in the rollups.
 * NOTE: planned burns are not taken out here, unlike in the budget engine, so a budget with a
 * planned burn in its window shows more bad events than the engine counted.
 */
export async function readHourlyCounts(db: Queryable, spec: RollupSpec, scope: HistoryScope, start: Date, end: Date): Promise<HourlyCounts[]> {
  const columns = countColumns(scope.sli);
  const params: unknown[] = [scope.vertical, scope.tenantId, start, end];
  if (scope.sli === "latency" || scope.sli === "stall") {
    params.push(thresholdPosition(spec, scope.sli, scope.thresholdMs ?? -1));
  }
  let rows: { bucket: Date; eligible: number; good: number }[];
  try {
    rows = await db.query(
      `select h.bucket, sum(${columns.eligible})::float8 as eligible, sum(${columns.good})::float8 as good
       from rollup_hours h
       where h.vertical = $1 and ($2::text is null or h.tenant_id = $2::text)
         and h.bucket >= $3::timestamptz and h.bucket < $4::timestamptz
       group by h.bucket
       having sum(${columns.eligible}) > 0
       order by h.bucket`,
      params,
    );
  } catch (error) {
    throw new DatabaseError(`could not read the hourly ${scope.sli} history of ${scope.vertical}: ${describeError(error)}`, { cause: error });
  }
  return rows.map((row) => {
    const eligible = Number(row.eligible);
    const good = Math.min(eligible, Number(row.good));
    return { hourStartMs: row.bucket.getTime(), eligible, bad: Math.max(0, eligible - good) };
  });
}
