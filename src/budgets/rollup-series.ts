/**
 * Reads the minute and hour series of one budget that recovery times need. Planned burns work at
 * minute granularity, as in rollup-read.ts.
 */
import type { Queryable } from "../db/database.ts";
import type { SliKind } from "./definitions.ts";
import { BURN_COVERS_MINUTE } from "./rollup-read.ts";
import { splitByHour, type TimeRange } from "./ranges.ts";
import type { CoarseRatioBucket, CostBucket, RatioBucket } from "./recovery.ts";
import { thresholdPosition, type RollupSpec } from "./rollup-spec.ts";

/** Rollup columns that count eligible and good events of a ratio SLI at a threshold. */
function ratioColumns(spec: RollupSpec, sli: Exclude<SliKind, "cost">, thresholdMs: number | null): { eligible: string; good: string } {
  switch (sli) {
    case "availability":
      return { eligible: "m.calls", good: "m.connected" };
    case "quality":
      return { eligible: "m.connected", good: "m.connected_ok" };
    case "latency":
    case "stall":
      return { eligible: `m.${sli}_eligible`, good: `m.${sli}_good[${thresholdPosition(spec, sli, thresholdMs ?? -1)}]` };
  }
}

export interface SeriesScope {
  budget: string;
  vertical: string;
  /** Null for the budget of the whole vertical. */
  tenantId: string | null;
}

const seriesFilter = `m.vertical = $1 and ($2::text is null or m.tenant_id = $2::text)
  and m.bucket >= $3::timestamptz and m.bucket < $4::timestamptz
  and not exists (select 1 from planned_burns b
                  where b.vertical = m.vertical and $5::text = any(b.budgets) and ${BURN_COVERS_MINUTE})`;

/** Reads the minute series of a ratio budget over `range`, without minutes its planned burns cover. */
export async function readRatioSeries(
  db: Queryable,
  spec: RollupSpec,
  scope: SeriesScope,
  sli: Exclude<SliKind, "cost">,
  thresholdMs: number | null,
  range: TimeRange,
): Promise<RatioBucket[]> {
  const columns = ratioColumns(spec, sli, thresholdMs);
  const rows = await db.query<{ bucket: Date; eligible: number; good: number }>(
    `select m.bucket, sum(${columns.eligible})::float8 as eligible, sum(${columns.good})::float8 as good
     from rollup_minutes m
     where ${seriesFilter}
     group by m.bucket order by m.bucket`,
    [scope.vertical, scope.tenantId, new Date(range.start), new Date(range.end), scope.budget],
  );
  return rows.map((row) => ({ startMs: row.bucket.getTime(), eligible: Number(row.eligible), good: Number(row.good) }));
}

/** Reads the minute series of calls and cost over `range`, without minutes its planned burns cover. */
export async function readCostSeries(db: Queryable, scope: SeriesScope, range: TimeRange): Promise<CostBucket[]> {
  const rows = await db.query<{ bucket: Date; calls: number; cost_usd: number }>(
    `select m.bucket, sum(m.calls)::float8 as calls, sum(m.cost_usd)::float8 as cost_usd
     from rollup_minutes m
     where ${seriesFilter}
     group by m.bucket order by m.bucket`,
    [scope.vertical, scope.tenantId, new Date(range.start), new Date(range.end), scope.budget],
  );
  return rows.map((row) => ({ startMs: row.bucket.getTime(), calls: Number(row.calls), costUsd: Number(row.cost_usd) }));
}

/** Checks whether a planned burn naming `scope.budget` covers part of `range` for the scope's vertical. */
export async function hasPlannedBurn(db: Queryable, scope: SeriesScope, range: TimeRange): Promise<boolean> {
  const [row] = await db.query<{ found: boolean }>(
    `select exists (
       select 1 from planned_burns b
       where b.vertical = $1 and $2::text = any(b.budgets) and ($3::text is null or b.tenant_id is null or b.tenant_id = $3::text)
         and b.starts_at < $5::timestamptz and least(b.ends_at, coalesce(b.ended_at, b.ends_at)) > $4::timestamptz - interval '1 minute'
     ) as found`,
    [scope.vertical, scope.budget, scope.tenantId, new Date(range.start), new Date(range.end)],
  );
  return row?.found === true;
}

/**
 * Reads a ratio budget's series over `range` at two resolutions: minute buckets at the range's
 * edges and whole hours between, ascending. Planned burns are not applied, so use it only where
 * hasPlannedBurn is false.
 */
export async function readCoarseRatioSeries(
  db: Queryable,
  spec: RollupSpec,
  scope: SeriesScope,
  sli: Exclude<SliKind, "cost">,
  thresholdMs: number | null,
  range: TimeRange,
): Promise<CoarseRatioBucket[]> {
  const columns = ratioColumns(spec, sli, thresholdMs);
  const split = splitByHour(range);
  const minuteRanges = split.minutes;
  const hours = split.hours ?? { start: range.start, end: range.start };
  const rows = await db.query<{ bucket: Date; hour: boolean; eligible: number; good: number }>(
    `select m.bucket, false as hour, sum(${columns.eligible})::float8 as eligible, sum(${columns.good})::float8 as good
     from unnest($3::timestamptz[], $4::timestamptz[]) as r(lo, hi)
     cross join lateral (select * from rollup_minutes m
                         where m.vertical = $1 and ($2::text is null or m.tenant_id = $2::text)
                           and m.bucket >= r.lo and m.bucket < r.hi) as m
     group by m.bucket
     union all
     select m.bucket, true as hour, sum(${columns.eligible})::float8 as eligible, sum(${columns.good})::float8 as good
     from rollup_hours m
     where m.vertical = $1 and ($2::text is null or m.tenant_id = $2::text)
       and m.bucket >= $5::timestamptz and m.bucket < $6::timestamptz
     group by m.bucket
     order by bucket`,
    [
      scope.vertical,
      scope.tenantId,
      minuteRanges.map((part) => new Date(part.start)),
      minuteRanges.map((part) => new Date(part.end)),
      new Date(hours.start),
      new Date(hours.end),
    ],
  );
  return rows.map((row) => ({ startMs: row.bucket.getTime(), hour: row.hour, eligible: Number(row.eligible), good: Number(row.good) }));
}

/** Reads the minute buckets of the given hours of a ratio budget, grouped by hour start. */
export async function readMinutesOfHours(
  db: Queryable,
  spec: RollupSpec,
  scope: SeriesScope,
  sli: Exclude<SliKind, "cost">,
  thresholdMs: number | null,
  hourStarts: readonly number[],
): Promise<Map<number, RatioBucket[]>> {
  if (hourStarts.length === 0) {
    return new Map();
  }
  const columns = ratioColumns(spec, sli, thresholdMs);
  const rows = await db.query<{ hour: Date; bucket: Date; eligible: number; good: number }>(
    `select h.start as hour, m.bucket, sum(${columns.eligible})::float8 as eligible, sum(${columns.good})::float8 as good
     from unnest($3::timestamptz[]) as h(start)
     cross join lateral (select * from rollup_minutes m
                         where m.vertical = $1 and ($2::text is null or m.tenant_id = $2::text)
                           and m.bucket >= h.start and m.bucket < h.start + interval '1 hour') as m
     group by h.start, m.bucket
     order by m.bucket`,
    [scope.vertical, scope.tenantId, hourStarts.map((start) => new Date(start))],
  );
  const byHour = new Map<number, RatioBucket[]>(hourStarts.map((start) => [start, []]));
  for (const row of rows) {
    byHour.get(row.hour.getTime())?.push({ startMs: row.bucket.getTime(), eligible: Number(row.eligible), good: Number(row.good) });
  }
  return byHour;
}

/**
 * Reads calls and cost over `range` as minute buckets at the edges and whole hours between. An
 * hour bucket is dated at its last minute, so it counts as leaving a window when all of its
 * minutes have. Planned burns are not applied, so use it only where hasPlannedBurn is false.
 */
export async function readCoarseCostSeries(db: Queryable, scope: SeriesScope, range: TimeRange): Promise<CostBucket[]> {
  const split = splitByHour(range);
  const hours = split.hours ?? { start: range.start, end: range.start };
  const rows = await db.query<{ bucket: Date; calls: number; cost_usd: number }>(
    `select m.bucket, sum(m.calls)::float8 as calls, sum(m.cost_usd)::float8 as cost_usd
     from unnest($3::timestamptz[], $4::timestamptz[]) as r(lo, hi)
     cross join lateral (select * from rollup_minutes m
                         where m.vertical = $1 and ($2::text is null or m.tenant_id = $2::text)
                           and m.bucket >= r.lo and m.bucket < r.hi) as m
     group by m.bucket
     union all
     select m.bucket + interval '59 minutes', sum(m.calls)::float8, sum(m.cost_usd)::float8
     from rollup_hours m
     where m.vertical = $1 and ($2::text is null or m.tenant_id = $2::text)
       and m.bucket >= $5::timestamptz and m.bucket < $6::timestamptz
     group by m.bucket
     order by bucket`,
    [
      scope.vertical,
      scope.tenantId,
      split.minutes.map((part) => new Date(part.start)),
      split.minutes.map((part) => new Date(part.end)),
      new Date(hours.start),
      new Date(hours.end),
    ],
  );
  return rows.map((row) => ({ startMs: row.bucket.getTime(), calls: Number(row.calls), costUsd: Number(row.cost_usd) }));
}
