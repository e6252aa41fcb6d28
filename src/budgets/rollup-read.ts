/**
 * Reads sums from the rollups: per named range, and what planned burns take out of them.
 * Planned burns work at minute granularity: a minute bucket that overlaps a burn's range is left
 * out of the budgets the burn names, for every call in it.
 */
import type { Queryable } from "../db/database.ts";
import { addSums, parseSums, sumColumns, zeroSums, type RollupSums } from "./rollup-sql.ts";
import type { RollupSpec } from "./rollup-spec.ts";
import { planRangeReads, type NamedRange, type Slab, type TimeRange } from "./ranges.ts";

/** Sums of one vertical and tenant (null: calls without a tenant) within one named range. */
export interface GroupSums {
  rangeKey: string;
  vertical: string;
  tenantId: string | null;
  sums: RollupSums;
}

/** Sums that planned burns take out of one budget, per range, vertical and tenant. */
export interface ExcludedSums extends GroupSums {
  budget: string;
}

function rangeArrays(entries: readonly { key: string; range: TimeRange }[]): [string[], Date[], Date[]] {
  return [entries.map((entry) => entry.key), entries.map((entry) => new Date(entry.range.start)), entries.map((entry) => new Date(entry.range.end))];
}

/** Reads the sums of every named range per vertical and tenant, from days, hours and edge minutes. */
export async function readRangeSums(db: Queryable, spec: RollupSpec, ranges: readonly NamedRange[]): Promise<GroupSums[]> {
  const plan = planRangeReads(ranges);
  const minuteSlabs = [...plan.addedMinutes, ...plan.subtractedMinutes];
  const hourSlabs = plan.hours;
  const daySlabs = plan.days;

  const slabArrays = (slabs: readonly Slab[], offset: number): [number[], Date[], Date[]] => [
    slabs.map((_, index) => offset + index),
    slabs.map((slab) => new Date(slab.start)),
    slabs.map((slab) => new Date(slab.end)),
  ];
  // The lateral subqueries make each slab one index range scan. A plain join of the slabs with
  // the rollup tables lets the planner scan whole tables.
  const rows = await db.query<Record<string, unknown>>(
    `select r.slab, s.*
     from unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) as r(slab, lo, hi)
     cross join lateral (
       select m.vertical, m.tenant_id, ${sumColumns(spec, "m")}
       from rollup_minutes m where m.bucket >= r.lo and m.bucket < r.hi
       group by m.vertical, m.tenant_id) as s
     union all
     select r.slab, s.*
     from unnest($4::int[], $5::timestamptz[], $6::timestamptz[]) as r(slab, lo, hi)
     cross join lateral (
       select h.vertical, h.tenant_id, ${sumColumns(spec, "h")}
       from rollup_hours h where h.bucket >= r.lo and h.bucket < r.hi
       group by h.vertical, h.tenant_id) as s
     union all
     select r.slab, s.*
     from unnest($7::int[], $8::timestamptz[], $9::timestamptz[]) as r(slab, lo, hi)
     cross join lateral (
       select d.vertical, d.tenant_id, ${sumColumns(spec, "d")}
       from rollup_days d where d.bucket >= r.lo and d.bucket < r.hi
       group by d.vertical, d.tenant_id) as s`,
    [
      ...slabArrays(minuteSlabs, 0),
      ...slabArrays(hourSlabs, minuteSlabs.length),
      ...slabArrays(daySlabs, minuteSlabs.length + hourSlabs.length),
    ],
  );

  const slabs = [...minuteSlabs, ...hourSlabs, ...daySlabs];
  const firstSubtracted = plan.addedMinutes.length;
  const lastSubtracted = minuteSlabs.length;
  return rows.flatMap((row) => {
    const slab = Number(row.slab);
    const sums = parseSums(spec, row);
    if (slab >= firstSubtracted && slab < lastSubtracted) {
      const negated = zeroSums(spec);
      addSums(negated, sums, -1);
      return slabs[slab]!.keys.map((key) => ({
        rangeKey: key,
        vertical: String(row.vertical),
        tenantId: row.tenant_id === null ? null : String(row.tenant_id),
        sums: negated,
      }));
    }
    return slabs[slab]!.keys.map((key) => ({
      rangeKey: key,
      vertical: String(row.vertical),
      tenantId: row.tenant_id === null ? null : String(row.tenant_id),
      sums,
    }));
  });
}

/** Checks whether any planned burn overlaps one of `ranges`, so that its exclusions must be read. */
export async function anyPlannedBurn(db: Queryable, ranges: readonly NamedRange[], windowEnd: Date): Promise<boolean> {
  const earliest = new Date(Math.min(...ranges.map((range) => range.start)));
  const [row] = await db.query<{ found: boolean }>(
    `select exists (select 1 from planned_burns b
                    where b.starts_at < $1::timestamptz
                      and least(b.ends_at, coalesce(b.ended_at, b.ends_at)) > $2::timestamptz) as found`,
    [windowEnd, earliest],
  );
  return row?.found === true;
}

/** SQL condition: minute bucket `m` overlaps planned burn `b`, with an early end applied. */
export const BURN_COVERS_MINUTE = `m.bucket > b.starts_at - interval '1 minute'
  and m.bucket < least(b.ends_at, coalesce(b.ended_at, b.ends_at))
  and (b.tenant_id is null or b.tenant_id = m.tenant_id)`;

/**
 * Reads, per budget named by a planned burn, the sums of the minute buckets the burn covers
 * within each named range. A minute covered by two burns of the same budget counts once.
 */
export async function readExcludedSums(
  db: Queryable,
  spec: RollupSpec,
  ranges: readonly NamedRange[],
  windowEnd: Date,
): Promise<ExcludedSums[]> {
  const earliest = new Date(Math.min(...ranges.map((range) => range.start)));
  const rows = await db.query<Record<string, unknown>>(
    `with burns as (
       select b.vertical, b.tenant_id, named.budget, b.starts_at, b.ends_at, b.ended_at
       from planned_burns b cross join lateral unnest(b.budgets) as named(budget)
       where b.starts_at < $4::timestamptz and least(b.ends_at, coalesce(b.ended_at, b.ends_at)) > $5::timestamptz
     ),
     excluded as (
       select distinct on (b.budget, m.bucket, m.vertical, m.tenant_id) b.budget, m.*
       from burns b cross join lateral (
         select * from rollup_minutes m where m.vertical = b.vertical and ${BURN_COVERS_MINUTE}) as m
     )
     select m.budget, r.key, m.vertical, m.tenant_id, ${sumColumns(spec, "m")}
     from excluded m join unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) as r(key, lo, hi)
       on m.bucket >= r.lo and m.bucket < r.hi
     group by m.budget, r.key, m.vertical, m.tenant_id`,
    [...rangeArrays(ranges.map((range) => ({ key: range.key, range }))), windowEnd, earliest],
  );
  return rows.map((row) => ({
    budget: String(row.budget),
    rangeKey: String(row.key),
    vertical: String(row.vertical),
    tenantId: row.tenant_id === null ? null : String(row.tenant_id),
    sums: parseSums(spec, row),
  }));
}
