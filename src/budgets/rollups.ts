/**
 * Maintains rollup_minutes and rollup_hours from the calls table.
 *
 * An incremental refresh recomputes exactly the minute buckets that changed. These are the minutes
 * of calls whose id is above the stored watermark (new calls, including late ones stamped long
 * ago), and the last BUDGETGATE_LATE_ARRIVAL_MINUTES minutes by created_at, which catch calls
 * that committed after a call with a higher id. Each touched minute is aggregated again from calls,
 * and each touched hour again from its minutes, so a refresh costs O(touched buckets).
 *
 * When calls has no integer id (a view with uuid ids), there is no watermark: a refresh then only
 * aggregates the late-arrival horizon, and a call stamped earlier than that is counted after the
 * next `budgetgate rebuild`.
 */
import type { Database, Queryable, Session } from "../db/database.ts";
import { DatabaseError } from "../errors.ts";
import { logger } from "../log.ts";
import { HOUR_MS, DAY_MS, MINUTE_MS } from "./durations.ts";
import { callAggregates, COUNT_COLUMNS, hourOf, minuteOf, rollupAggregates } from "./rollup-sql.ts";
import { retentionStartMs, rollupSpecSchema, sameRollupSpec, type RollupSpec } from "./rollup-spec.ts";

const ROLLUP_LOCK = "select pg_advisory_xact_lock(hashtext(current_schema() || ':budgetgate.rollups'))";
const REBUILD_LOCK_KEY = "hashtext(current_schema() || ':budgetgate.rollups.rebuild')";

export interface RollupState {
  spec: RollupSpec | null;
  watermarkId: number | null;
  /** Whether calls has an integer id, which a watermark can follow as it grows with inserts. */
  integerIds: boolean;
}

/** Result of a refresh: buckets recomputed incrementally, or rows written by a rebuild. */
export type RefreshReport =
  | { mode: "incremental"; touchedMinutes: number; touchedHours: number; watermarkId: number | null }
  | { mode: "rebuild"; minuteRows: number; hourRows: number; watermarkId: number | null };

async function readState(db: Queryable): Promise<RollupState> {
  const [row] = await db.query<{ spec: unknown; watermark_id: number | null; id_type: string | null }>(
    `select (select spec from rollup_state) as spec,
            (select watermark_id from rollup_state) as watermark_id,
            (select format_type(a.atttypid, a.atttypmod) from pg_attribute a
             where a.attrelid = to_regclass('calls') and a.attname = 'id' and not a.attisdropped) as id_type`,
  );
  const parsed = rollupSpecSchema.safeParse(row?.spec);
  const idType = row?.id_type ?? null;
  return {
    spec: parsed.success ? parsed.data : null,
    watermarkId: row?.watermark_id ?? null,
    integerIds: idType === "bigint" || idType === "integer" || idType === "smallint",
  };
}

async function writeState(db: Queryable, spec: RollupSpec | null, watermarkId: number | null, built: boolean): Promise<void> {
  await db.query(
    `insert into rollup_state (singleton, spec, watermark_id, built_at, refreshed_at)
     values (true, $1::jsonb, $2, case when $3 then now() end, now())
     on conflict (singleton) do update set spec = excluded.spec, watermark_id = excluded.watermark_id,
       built_at = coalesce(excluded.built_at, rollup_state.built_at), refreshed_at = now()`,
    [spec === null ? null : JSON.stringify(spec), watermarkId, built],
  );
}

async function maxCallId(db: Queryable): Promise<number | null> {
  const [row] = await db.query<{ max: number | string | null }>("select max(id)::int8 as max from calls");
  return row?.max === null || row?.max === undefined ? null : Number(row.max);
}

/** Sums the buckets of rollup_hours into the given days of rollup_days, replacing those days. */
async function recomputeDays(tx: Queryable, spec: RollupSpec, days: readonly Date[]): Promise<void> {
  // The insert reads rollup_hours only, so the delete in the same statement cannot affect it.
  await tx.query(
    `with deleted as (delete from rollup_days where bucket = any($1::timestamptz[]))
     insert into rollup_days (bucket, vertical, tenant_id, ${COUNT_COLUMNS})
     select d.bucket, h.vertical, h.tenant_id,
       ${rollupAggregates(spec, "h")}
     from unnest($1::timestamptz[]) as d(bucket)
     join rollup_hours h on h.bucket >= d.bucket and h.bucket < d.bucket + interval '1 day'
     group by d.bucket, h.vertical, h.tenant_id`,
    [days],
  );
}

/** Aggregates the given minute buckets again from calls, and the hours and days that contain them. */
async function recomputeMinutes(tx: Queryable, spec: RollupSpec, minutes: readonly Date[]): Promise<number> {
  if (minutes.length === 0) {
    return 0;
  }
  // Each statement deletes the buckets it replaces and inserts them again from the level below,
  // which the statement before it wrote. A statement's delete is invisible to its own insert.
  const aggregates = callAggregates(spec, 2);
  await tx.query(
    `with deleted as (delete from rollup_minutes where bucket = any($1::timestamptz[]))
     insert into rollup_minutes (bucket, vertical, tenant_id, ${COUNT_COLUMNS})
     select t.bucket, c.vertical, c.tenant_id,
       ${aggregates.sql}
     from unnest($1::timestamptz[]) as t(bucket)
     join calls c on c.created_at >= t.bucket and c.created_at < t.bucket + interval '1 minute'
     group by t.bucket, c.vertical, c.tenant_id`,
    [minutes, ...aggregates.params],
  );
  const hours = [...new Set(minutes.map((minute) => Math.floor(minute.getTime() / HOUR_MS) * HOUR_MS))].map((ms) => new Date(ms));
  await tx.query(
    `with deleted as (delete from rollup_hours where bucket = any($1::timestamptz[]))
     insert into rollup_hours (bucket, vertical, tenant_id, ${COUNT_COLUMNS})
     select h.bucket, m.vertical, m.tenant_id,
       ${rollupAggregates(spec, "m")}
     from unnest($1::timestamptz[]) as h(bucket)
     join rollup_minutes m on m.bucket >= h.bucket and m.bucket < h.bucket + interval '1 hour'
     group by h.bucket, m.vertical, m.tenant_id`,
    [hours],
  );
  const days = [...new Set(minutes.map((minute) => Math.floor(minute.getTime() / DAY_MS) * DAY_MS))].map((ms) => new Date(ms));
  await recomputeDays(tx, spec, days);
  return hours.length;
}

/**
 * Folds new and late calls into the rollups inside the caller's transaction, which then holds the
 * rollup lock until it ends. Returns null, changing nothing, when the rollups must be rebuilt
 * first: never built, built with another spec, or a rebuild left unfinished.
 */
async function refreshIncrementally(tx: Queryable, spec: RollupSpec, windowEnd: Date, lateArrivalMinutes: number): Promise<RefreshReport | null> {
  await tx.query(ROLLUP_LOCK);
  const state = await readState(tx);
  const integerIds = state.integerIds;
  if (state.spec === null || !sameRollupSpec(state.spec, spec) || (integerIds && state.watermarkId === null)) {
    return null;
  }
  const keepFrom = retentionStartMs(spec, windowEnd.getTime());
  const touched = new Set<number>();

  let watermarkId: number | null = null;
  if (integerIds) {
    // One statement, so the new watermark and the minutes of the calls below it see the same rows.
    const [row] = await tx.query<{ max: number | string | null; buckets: Date[] }>(
      `select (select max(id)::int8 from calls) as max,
              array(select distinct ${minuteOf("created_at")} from calls
                    where id > $1 and created_at >= $2::timestamptz) as buckets`,
      [state.watermarkId, new Date(keepFrom)],
    );
    watermarkId = row?.max === null || row?.max === undefined ? state.watermarkId : Number(row.max);
    row?.buckets.forEach((bucket) => touched.add(bucket.getTime()));
  }
  const lastMinute = Math.floor(windowEnd.getTime() / MINUTE_MS) * MINUTE_MS;
  for (let minute = lastMinute - lateArrivalMinutes * MINUTE_MS; minute <= lastMinute; minute += MINUTE_MS) {
    touched.add(minute);
  }

  const minutes = [...touched].filter((ms) => ms >= keepFrom).sort((a, b) => a - b).map((ms) => new Date(ms));
  const hours = await recomputeMinutes(tx, spec, minutes);
  // The day that contains the retention start stays, partly filled, and no window reads it whole.
  await tx.query(
    `with minutes as (delete from rollup_minutes where bucket < $1::timestamptz),
          hours as (delete from rollup_hours where bucket < $1::timestamptz)
     delete from rollup_days where bucket < $1::timestamptz - interval '1 day'`,
    [new Date(keepFrom)],
  );
  await writeState(tx, spec, watermarkId, false);
  return { mode: "incremental", touchedMinutes: minutes.length, touchedHours: hours, watermarkId } satisfies RefreshReport;
}

export interface RebuildOptions {
  /** Called after each day of calls, with the days done and the days in total. */
  onProgress?: (done: number, total: number) => void;
  /** Skip the rebuild when, once the lock is held, the rollups turn out built with `spec`. */
  skipIfBuilt?: boolean;
}

/**
 * Aggregates every call of the retention period again, one UTC day per transaction. A session
 * lock keeps two rebuilds apart. The rollups are marked unfinished until the last day is done, so
 * a computation meanwhile waits for this rebuild instead of reading half-built rollups.
 */
export async function rebuildRollups(db: Database, spec: RollupSpec, windowEnd: Date, options: RebuildOptions = {}): Promise<RefreshReport | null> {
  return db.withSession(async (session: Session) => {
    await session.query(`select pg_advisory_lock(${REBUILD_LOCK_KEY})`);
    try {
      if (options.skipIfBuilt) {
        const state = await readState(db);
        if (state.spec !== null && sameRollupSpec(state.spec, spec)) {
          return null;
        }
      }
      return await rebuildLocked(db, spec, windowEnd, options);
    } finally {
      await session.query(`select pg_advisory_unlock(${REBUILD_LOCK_KEY})`);
    }
  });
}

async function rebuildLocked(db: Database, spec: RollupSpec, windowEnd: Date, options: RebuildOptions): Promise<RefreshReport> {
  const { integerIds } = await readState(db);
  const keepFrom = retentionStartMs(spec, windowEnd.getTime());
  const watermarkId = await db.transaction(async (tx) => {
    await tx.query(ROLLUP_LOCK);
    await writeState(tx, null, null, false);
    await tx.query("delete from rollup_minutes");
    await tx.query("delete from rollup_hours");
    await tx.query("delete from rollup_days");
    // An empty table starts the watermark at 0, so the first call is folded in as new.
    return integerIds ? ((await maxCallId(tx)) ?? 0) : null;
  });

  const firstDay = Math.floor(keepFrom / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(windowEnd.getTime() / DAY_MS) * DAY_MS;
  const total = (lastDay - firstDay) / DAY_MS + 1;
  const aggregates = callAggregates(spec, 3);
  let hourRows = 0;
  let minuteRows = 0;
  for (let index = 0; index < total; index += 1) {
    const from = Math.max(firstDay + index * DAY_MS, keepFrom);
    // The last day has no upper bound, so calls stamped in the future are folded in too.
    const until = index === total - 1 ? null : firstDay + (index + 1) * DAY_MS;
    await db.transaction(async (tx) => {
      await tx.query(ROLLUP_LOCK);
      const [inserted] = await tx.query<{ count: number }>(
        `with inserted as (
           insert into rollup_minutes (bucket, vertical, tenant_id, ${COUNT_COLUMNS})
           select ${minuteOf("c.created_at")}, c.vertical, c.tenant_id,
             ${aggregates.sql}
           from calls c
           where c.created_at >= $1::timestamptz and ($2::timestamptz is null or c.created_at < $2::timestamptz)
           group by 1, 2, 3
           returning 1)
         select count(*)::int as count from inserted`,
        [new Date(from), until === null ? null : new Date(until), ...aggregates.params],
      );
      minuteRows += inserted?.count ?? 0;
      const [hourly] = await tx.query<{ count: number }>(
        `with inserted as (
           insert into rollup_hours (bucket, vertical, tenant_id, ${COUNT_COLUMNS})
           select ${hourOf("m.bucket")}, m.vertical, m.tenant_id,
             ${rollupAggregates(spec, "m")}
           from rollup_minutes m
           where m.bucket >= $1::timestamptz and ($2::timestamptz is null or m.bucket < $2::timestamptz)
           group by 1, 2, 3
           returning 1)
         select count(*)::int as count from inserted`,
        [new Date(from), until === null ? null : new Date(until)],
      );
      hourRows += hourly?.count ?? 0;
      await recomputeDays(tx, spec, [new Date(firstDay + index * DAY_MS)]);
    });
    options.onProgress?.(index + 1, total);
  }

  await db.transaction(async (tx) => {
    await tx.query(ROLLUP_LOCK);
    await writeState(tx, spec, watermarkId, true);
  });
  return { mode: "rebuild", minuteRows, hourRows, watermarkId };
}

export interface RefreshOptions {
  lateArrivalMinutes: number;
}

/**
 * Runs `work` in one transaction after folding new calls into the rollups for windows ending at
 * `windowEnd`, so that it reads rollups that are up to date and that no other refresh changes
 * meanwhile. Rollups built with another spec, or never built, are rebuilt first, which is logged
 * with the old and the new spec. `work` learns whether that happened.
 */
export async function withFreshRollups<T>(
  db: Database,
  spec: RollupSpec,
  windowEnd: Date,
  options: RefreshOptions,
  work: (tx: Queryable, rebuilt: boolean) => Promise<T>,
): Promise<T> {
  const attempt = (rebuilt: boolean) =>
    db.transaction(async (tx) => {
      // JIT compilation costs more than these small queries take, and the planner overestimates
      // the rows of range scans with parameters, so it would compile every query.
      await tx.query("set local jit = off");
      const report = await refreshIncrementally(tx, spec, windowEnd, options.lateArrivalMinutes);
      return report === null ? null : { value: await work(tx, rebuilt) };
    });
  const first = await attempt(false);
  if (first !== null) {
    return first.value;
  }

  const state = await readState(db);
  if (state.spec === null) {
    logger.info({ spec }, "rollups are not built yet, or a rebuild did not finish; building them from calls");
  } else {
    logger.warn({ previous: state.spec, current: spec }, "budget thresholds or windows changed; rebuilding the rollups from calls");
  }
  const startedAt = Date.now();
  const report = await rebuildRollups(db, spec, windowEnd, { skipIfBuilt: true });
  if (report !== null && report.mode === "rebuild") {
    logger.info({ minuteRows: report.minuteRows, hourRows: report.hourRows, durationMs: Date.now() - startedAt }, "rollups rebuilt");
  }
  // Also folds in the calls that arrived during the rebuild, or after the rebuild of another process.
  const second = await attempt(true);
  if (second === null) {
    throw new DatabaseError(
      "the rollups do not match the budget definitions even after a rebuild; check that every replica reads the same budgets file",
    );
  }
  return second.value;
}
