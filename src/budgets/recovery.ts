/**
 * When would a spent budget recover if no new events arrived? Pure: no clock and no database.
 *
 * A rolling window drops its oldest minute buckets as time passes. Assuming no new events at all,
 * the budget's window at a later time t holds only the buckets that have not left it yet, so its
 * remaining fraction can rise (bad events leave) or fall (good events leave first). These
 * functions return the earliest t after which remaining is at least the block threshold.
 *
 * A bucket starting at s is in the window ending at t while s >= t - window, so it leaves just
 * after t = s + window; the returned time is that boundary. A window left with no events at all
 * counts as recovered, because nothing in it spends the budget.
 */
import { costBudget, ratioBudget } from "./math.ts";

/** Tolerance for comparing a remaining fraction with the threshold, against rounding in the division. */
const EPSILON = 1e-12;

export interface RatioBucket {
  startMs: number;
  eligible: number;
  good: number;
}

export interface CostBucket {
  startMs: number;
  calls: number;
  costUsd: number;
}

/**
 * Earliest time (ms) at which a ratio budget is back at or above `block`, given the minute
 * buckets of its current window in ascending order. Null when it already is, or without data.
 */
export function ratioRecoveryTime(buckets: readonly RatioBucket[], windowMs: number, target: number, block: number): number | null {
  let eligible = 0;
  let good = 0;
  for (const bucket of buckets) {
    eligible += bucket.eligible;
    good += bucket.good;
  }
  const current = ratioBudget({ eligible, good }, target).remaining;
  if (current === null || current >= block - EPSILON) {
    return null;
  }
  for (const bucket of buckets) {
    eligible -= bucket.eligible;
    good -= bucket.good;
    if (bucket.eligible === 0) {
      continue;
    }
    const remaining = ratioBudget({ eligible, good }, target).remaining;
    if (remaining === null || remaining >= block - EPSILON) {
      return bucket.startMs + windowMs;
    }
  }
  // Unreachable: the last bucket with events leaves an empty window, which returned above.
  return null;
}

interface PrefixSums {
  starts: number[];
  calls: number[];
  cost: number[];
}

function prefixSums(buckets: readonly CostBucket[]): PrefixSums {
  const sums: PrefixSums = { starts: [], calls: [0], cost: [0] };
  for (const bucket of buckets) {
    sums.starts.push(bucket.startMs);
    sums.calls.push(sums.calls.at(-1)! + bucket.calls);
    sums.cost.push(sums.cost.at(-1)! + bucket.costUsd);
  }
  return sums;
}

/** Number of buckets whose start is at most `limit` (starts ascending). */
function countAtMost(starts: readonly number[], limit: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (starts[middle]! <= limit) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/** Number of buckets whose start is below `limit` (starts ascending). */
function countBelow(starts: readonly number[], limit: number): number {
  return countAtMost(starts, limit - 1);
}

export interface CostRecoveryInput {
  /** Minute buckets of the baseline and the window, ascending. Starts are whole milliseconds. */
  buckets: readonly CostBucket[];
  windowEndMs: number;
  windowMs: number;
  baselineMs: number;
  allowedOverrun: number;
  block: number;
}

/**
 * Earliest time (ms) at which the cost budget is back at or above `block`. As time passes,
 * buckets move from the window into the baseline and later out of the baseline, so the time is
 * searched among those moments. Null when the budget already is at or above `block`, or has no data.
 */
export function costRecoveryTime(input: CostRecoveryInput): number | null {
  const { buckets, windowEndMs, windowMs, baselineMs, allowedOverrun, block } = input;
  const sums = prefixSums(buckets);
  const total = buckets.length;
  const remainingAt = (windowFrom: number, baselineFrom: number) =>
    costBudget(
      {
        windowCalls: sums.calls[total]! - sums.calls[windowFrom]!,
        windowCostUsd: sums.cost[total]! - sums.cost[windowFrom]!,
        baselineCalls: sums.calls[windowFrom]! - sums.calls[baselineFrom]!,
        baselineCostUsd: sums.cost[windowFrom]! - sums.cost[baselineFrom]!,
      },
      allowedOverrun,
    );

  // Now the window contains starts >= end - window, and the baseline starts >= end - window - baseline.
  const now = remainingAt(countBelow(sums.starts, windowEndMs - windowMs), countBelow(sums.starts, windowEndMs - windowMs - baselineMs));
  if (now.remaining === null || now.remaining >= block - EPSILON) {
    return null;
  }

  const candidates = new Set<number>();
  for (const bucket of buckets) {
    candidates.add(bucket.startMs + windowMs);
    candidates.add(bucket.startMs + windowMs + baselineMs);
  }
  const ordered = [...candidates].filter((time) => time >= windowEndMs).sort((a, b) => a - b);
  for (const time of ordered) {
    // Just after `time` the window contains starts > time - window, and the baseline the starts
    // in (time - window - baseline, time - window].
    const windowFrom = countAtMost(sums.starts, time - windowMs);
    const baselineFrom = countAtMost(sums.starts, time - windowMs - baselineMs);
    if (windowFrom === total) {
      return time;
    }
    const figures = remainingAt(windowFrom, baselineFrom);
    if (figures.remaining !== null && figures.remaining >= block - EPSILON) {
      return time;
    }
  }
  return null;
}

/** A bucket of a coarse series: one minute, or one whole hour when `hour` is true. */
export interface CoarseRatioBucket extends RatioBucket {
  hour: boolean;
}

/**
 * Lists the hours of a coarse series (minutes at the window's edges, whole hours between) whose
 * minutes ratioRecoveryTime must see one by one. Every other hour can stay one bucket.
 *
 * With k = target + block × (1 - target), a window is at or above `block` when
 * good - k × eligible >= 0 over it, so the budget recovers after the first minute i whose prefix
 * sum P(i) of x = good - k × eligible, from the oldest bucket on, is at most the total X. As
 * x = (1 - k) × good - k × bad >= -k × bad, the prefix inside an hour never drops below its value
 * at the hour's start minus k × the hour's bad events. Only hours where that bound reaches X can
 * hold the answer, and none after the first hour that ends at or below X.
 */
export function hoursNeedingMinutes(buckets: readonly CoarseRatioBucket[], target: number, block: number): number[] {
  const k = target + block * (1 - target);
  const total = buckets.reduce((sum, bucket) => sum + bucket.good - k * bucket.eligible, 0);
  // Rounding may only add hours, which costs time but never changes the result.
  const tolerance = 1e-9 * Math.max(1, buckets.reduce((sum, bucket) => sum + bucket.eligible, 0));
  const hours: number[] = [];
  let prefix = 0;
  for (const bucket of buckets) {
    const next = prefix + bucket.good - k * bucket.eligible;
    if (bucket.hour && prefix - k * (bucket.eligible - bucket.good) <= total + tolerance) {
      hours.push(bucket.startMs);
    }
    if (next <= total + tolerance) {
      break;
    }
    prefix = next;
  }
  return hours;
}

/** Replaces the listed hours of a coarse series by their minute buckets, keeping the order. */
export function refineSeries(
  buckets: readonly CoarseRatioBucket[],
  minutesByHour: ReadonlyMap<number, readonly RatioBucket[]>,
): RatioBucket[] {
  const series: RatioBucket[] = [];
  for (const bucket of buckets) {
    const minutes = bucket.hour ? minutesByHour.get(bucket.startMs) : undefined;
    if (minutes !== undefined) {
      series.push(...minutes);
    } else {
      series.push({ startMs: bucket.startMs, eligible: bucket.eligible, good: bucket.good });
    }
  }
  return series;
}
