/**
 * Hourly counts of one ratio budget, validated and laid out as dense arrays. Pure: no clock and no
 * database.
 */
import { InputError } from "../errors.ts";

export const HOUR_MS = 3_600_000;

/** Eligible and bad events of one budget in one UTC hour, e.g. one row of the per-hour rollups. */
export interface HourlyCounts {
  /** Start of the hour in milliseconds since the epoch; a multiple of one hour. */
  hourStartMs: number;
  eligible: number;
  /** Eligible events that were not good: `eligible - good`. */
  bad: number;
}

/** Complete hours before the forecast start, one array slot per hour, hours without events as 0. */
export interface HourlySeries {
  /** Start of the first hour that had eligible events. */
  startMs: number;
  /** End of the last complete hour: the start of the hour that contains `nowMs`. */
  endMs: number;
  eligible: number[];
  bad: number[];
}

/**
 * Checks the history and lays it out hour by hour from the first hour with eligible events up to
 * the start of the hour containing `nowMs`. That hour is incomplete, so its bucket, if given, is
 * left out and the forecast covers it like any future hour. Hours missing from `history` count as
 * hours without events. Throws InputError on unaligned, unsorted, duplicate or negative buckets.
 */
export function buildHourlySeries(history: readonly HourlyCounts[], nowMs: number): HourlySeries {
  const endMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  let previousStart = Number.NEGATIVE_INFINITY;
  for (const [index, bucket] of history.entries()) {
    validateBucket(bucket, index, nowMs);
    if (bucket.hourStartMs <= previousStart) {
      throw new InputError(
        `history[${index}].hourStartMs ${bucket.hourStartMs} is not after the previous hour ${previousStart}; pass each hour once, in ascending order`,
      );
    }
    previousStart = bucket.hourStartMs;
  }

  const complete = history.filter((bucket) => bucket.hourStartMs < endMs);
  const first = complete.find((bucket) => bucket.eligible > 0);
  if (first === undefined) {
    return { startMs: endMs, endMs, eligible: [], bad: [] };
  }
  const length = (endMs - first.hourStartMs) / HOUR_MS;
  const series: HourlySeries = {
    startMs: first.hourStartMs,
    endMs,
    eligible: new Array<number>(length).fill(0),
    bad: new Array<number>(length).fill(0),
  };
  for (const bucket of complete) {
    if (bucket.hourStartMs < first.hourStartMs) {
      continue;
    }
    const slot = (bucket.hourStartMs - first.hourStartMs) / HOUR_MS;
    series.eligible[slot] = bucket.eligible;
    series.bad[slot] = bucket.bad;
  }
  return series;
}

function validateBucket(bucket: HourlyCounts, index: number, nowMs: number): void {
  const where = `history[${index}]`;
  if (!Number.isSafeInteger(bucket.hourStartMs) || bucket.hourStartMs % HOUR_MS !== 0) {
    throw new InputError(`${where}.hourStartMs ${bucket.hourStartMs} is not the start of a UTC hour (a multiple of ${HOUR_MS} ms)`);
  }
  if (bucket.hourStartMs > nowMs) {
    throw new InputError(`${where}.hourStartMs ${bucket.hourStartMs} is after nowMs ${nowMs}; pass only past hours`);
  }
  if (!Number.isFinite(bucket.eligible) || bucket.eligible < 0) {
    throw new InputError(`${where}.eligible ${bucket.eligible} is invalid; expected a count of at least 0`);
  }
  if (!Number.isFinite(bucket.bad) || bucket.bad < 0 || bucket.bad > bucket.eligible) {
    throw new InputError(`${where}.bad ${bucket.bad} is invalid; expected a count between 0 and eligible (${bucket.eligible})`);
  }
}
