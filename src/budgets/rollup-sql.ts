/**
 * SQL fragments of the rollup tables. Only column names and positions from the rollup spec are
 * written into the SQL text; thresholds and times are always parameters.
 */
import type { RollupSpec } from "./rollup-spec.ts";

/** Columns of rollup_minutes and rollup_hours after bucket, vertical and tenant_id. */
export const COUNT_COLUMNS =
  "calls, connected, connected_ok, latency_eligible, latency_good, stall_eligible, stall_good, cost_usd";

/** Truncates a timestamptz to the minute in UTC, independent of the session's TimeZone. */
export const minuteOf = (column: string) => `date_trunc('minute', ${column} at time zone 'UTC') at time zone 'UTC'`;
/** Truncates a timestamptz to the hour in UTC, independent of the session's TimeZone. */
export const hourOf = (column: string) => `date_trunc('hour', ${column} at time zone 'UTC') at time zone 'UTC'`;

/**
 * Aggregates over calls aliased `c`, in COUNT_COLUMNS order. Threshold parameters are numbered
 * from `firstParam`; the returned values go at those positions.
 */
export function callAggregates(spec: RollupSpec, firstParam: number): { sql: string; params: number[] } {
  const params: number[] = [];
  const goodArray = (column: string, eligible: string, thresholds: readonly number[]) => {
    if (thresholds.length === 0) {
      return "'{}'::int8[]";
    }
    const items = thresholds.map((threshold) => {
      params.push(threshold);
      return `count(*) filter (where ${eligible} and ${column} <= $${firstParam + params.length - 1}::int)`;
    });
    return `array[${items.join(", ")}]::int8[]`;
  };
  const latencyEligible = "c.connected and c.first_response_ms is not null";
  const stallEligible = "c.connected and c.max_silence_ms is not null";
  const sql = [
    "count(*)",
    "count(*) filter (where c.connected)",
    "count(*) filter (where c.connected and c.ok)",
    `count(*) filter (where ${latencyEligible})`,
    goodArray("c.first_response_ms", latencyEligible, spec.latencyThresholds),
    `count(*) filter (where ${stallEligible})`,
    goodArray("c.max_silence_ms", stallEligible, spec.stallThresholds),
    "coalesce(sum(c.cost_usd), 0)",
  ].join(",\n  ");
  return { sql, params };
}

function summedArray(alias: string, column: string, count: number): string {
  if (count === 0) {
    return "'{}'::int8[]";
  }
  const items = Array.from({ length: count }, (_, index) => `sum(${alias}.${column}[${index + 1}])::int8`);
  return `array[${items.join(", ")}]::int8[]`;
}

/** Sums of rollup rows aliased `alias`, in COUNT_COLUMNS order, for writing coarser buckets. */
export function rollupAggregates(spec: RollupSpec, alias: string): string {
  return [
    `sum(${alias}.calls)::int8`,
    `sum(${alias}.connected)::int8`,
    `sum(${alias}.connected_ok)::int8`,
    `sum(${alias}.latency_eligible)::int8`,
    summedArray(alias, "latency_good", spec.latencyThresholds.length),
    `sum(${alias}.stall_eligible)::int8`,
    summedArray(alias, "stall_good", spec.stallThresholds.length),
    `sum(${alias}.cost_usd)`,
  ].join(",\n  ");
}

/** Sums of rollup rows aliased `alias` as float8 columns that parseSums reads. */
export function sumColumns(spec: RollupSpec, alias: string): string {
  const columns = [
    `sum(${alias}.calls)::float8 as calls`,
    `sum(${alias}.connected)::float8 as connected`,
    `sum(${alias}.connected_ok)::float8 as connected_ok`,
    `sum(${alias}.latency_eligible)::float8 as latency_eligible`,
    `sum(${alias}.stall_eligible)::float8 as stall_eligible`,
    `sum(${alias}.cost_usd)::float8 as cost_usd`,
  ];
  spec.latencyThresholds.forEach((_, index) => columns.push(`sum(${alias}.latency_good[${index + 1}])::float8 as latency_good_${index + 1}`));
  spec.stallThresholds.forEach((_, index) => columns.push(`sum(${alias}.stall_good[${index + 1}])::float8 as stall_good_${index + 1}`));
  return columns.join(", ");
}

/** Counts of a set of rollup rows. */
export interface RollupSums {
  calls: number;
  connected: number;
  connectedOk: number;
  latencyEligible: number;
  latencyGood: number[];
  stallEligible: number;
  stallGood: number[];
  costUsd: number;
}

export function zeroSums(spec: RollupSpec): RollupSums {
  return {
    calls: 0,
    connected: 0,
    connectedOk: 0,
    latencyEligible: 0,
    latencyGood: spec.latencyThresholds.map(() => 0),
    stallEligible: 0,
    stallGood: spec.stallThresholds.map(() => 0),
    costUsd: 0,
  };
}

/** Reads the columns of sumColumns from a result row. */
export function parseSums(spec: RollupSpec, row: Record<string, unknown>): RollupSums {
  const number = (key: string) => Number(row[key] ?? 0);
  return {
    calls: number("calls"),
    connected: number("connected"),
    connectedOk: number("connected_ok"),
    latencyEligible: number("latency_eligible"),
    latencyGood: spec.latencyThresholds.map((_, index) => number(`latency_good_${index + 1}`)),
    stallEligible: number("stall_eligible"),
    stallGood: spec.stallThresholds.map((_, index) => number(`stall_good_${index + 1}`)),
    costUsd: number("cost_usd"),
  };
}

/** Adds `other` into `total`, multiplied by `sign` (-1 subtracts). */
export function addSums(total: RollupSums, other: RollupSums, sign = 1): void {
  total.calls += sign * other.calls;
  total.connected += sign * other.connected;
  total.connectedOk += sign * other.connectedOk;
  total.latencyEligible += sign * other.latencyEligible;
  total.stallEligible += sign * other.stallEligible;
  total.costUsd += sign * other.costUsd;
  other.latencyGood.forEach((value, index) => (total.latencyGood[index] = (total.latencyGood[index] ?? 0) + sign * value));
  other.stallGood.forEach((value, index) => (total.stallGood[index] = (total.stallGood[index] ?? 0) + sign * value));
}
