/**
 * Time ranges that budgets read from the rollups. Pure: no clock and no database.
 *
 * A range [start, end) contains a minute bucket when the bucket's start lies in it, so a budget
 * window counts whole minutes. Reading a long range from per-minute rows would cost one row per
 * minute, so a range is split into whole UTC days (rollup_days), the whole hours beside them
 * (rollup_hours) and the minutes at either edge (rollup_minutes). The parts together cover
 * exactly the same minutes.
 */
import type { BudgetDefinition } from "./definitions.ts";
import { BURN_WINDOW_MS, BURN_WINDOWS } from "./alerts.ts";
import { DAY_MS, HOUR_MS } from "./durations.ts";

/** Half-open range of bucket start times, in milliseconds since the epoch. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A named range that budgets read: a budget window, a cost baseline or a burn-rate window. */
export interface NamedRange extends TimeRange {
  key: string;
}

export interface SplitRange {
  /** Ranges read from rollup_minutes; at most two, each shorter than an hour. */
  minutes: TimeRange[];
  /** Ranges of whole hours read from rollup_hours; at most two, each shorter than a day. */
  hours: TimeRange[];
  /** Whole UTC days read from rollup_days, or null when the range contains no whole day. */
  days: TimeRange | null;
}

function splitBy(range: TimeRange, unitMs: number): { inner: TimeRange | null; edges: TimeRange[] } {
  const first = Math.ceil(range.start / unitMs) * unitMs;
  const last = Math.floor(range.end / unitMs) * unitMs;
  if (first >= last) {
    return { inner: null, edges: range.start < range.end ? [{ ...range }] : [] };
  }
  const edges: TimeRange[] = [];
  if (range.start < first) {
    edges.push({ start: range.start, end: first });
  }
  if (last < range.end) {
    edges.push({ start: last, end: range.end });
  }
  return { inner: { start: first, end: last }, edges };
}

/** Splits a range into whole UTC hours and the minutes at its edges; hours is null without a whole hour. */
export function splitByHour(range: TimeRange): { minutes: TimeRange[]; hours: TimeRange | null } {
  const split = splitBy(range, HOUR_MS);
  return { minutes: split.edges, hours: split.inner };
}

/** Splits a range into whole UTC days, the whole hours beside them and the minutes at its edges. */
export function splitRange(range: TimeRange): SplitRange {
  const byDay = splitBy(range, DAY_MS);
  const minutes: TimeRange[] = [];
  const hours: TimeRange[] = [];
  for (const edge of byDay.edges) {
    const byHour = splitBy(edge, HOUR_MS);
    minutes.push(...byHour.edges);
    if (byHour.inner !== null) {
      hours.push(byHour.inner);
    }
  }
  return { minutes: minutes.sort((a, b) => a.start - b.start), hours, days: byDay.inner };
}

export const windowKey = (windowMs: number) => `window:${windowMs}`;
export const baselineKey = (windowMs: number, baselineMs: number) => `baseline:${windowMs}:${baselineMs}`;
export const burnKey = (window: string) => `burn:${window}`;

/** Lists the distinct ranges that the budgets need for windows ending at `windowEndMs`. */
export function plannedRanges(definitions: readonly BudgetDefinition[], windowEndMs: number): NamedRange[] {
  const ranges = new Map<string, NamedRange>();
  const add = (key: string, start: number, end: number) => {
    if (!ranges.has(key)) {
      ranges.set(key, { key, start, end });
    }
  };
  for (const definition of definitions) {
    const windowMs = definition.windowSeconds * 1000;
    add(windowKey(windowMs), windowEndMs - windowMs, windowEndMs);
    if (definition.sli === "cost") {
      const baselineMs = (definition.baselineSeconds ?? 0) * 1000;
      add(baselineKey(windowMs, baselineMs), windowEndMs - windowMs - baselineMs, windowEndMs - windowMs);
    }
  }
  for (const window of BURN_WINDOWS) {
    add(burnKey(window), windowEndMs - BURN_WINDOW_MS[window], windowEndMs);
  }
  return [...ranges.values()];
}

/** A piece of time that lies in each of the named ranges listed in `keys`, and in no other. */
export interface Slab extends TimeRange {
  keys: string[];
}

/**
 * Cuts overlapping ranges into disjoint slabs, so that a query reads each rollup row once and
 * adds its sums to every range that contains it.
 */
export function disjointSlabs(parts: readonly { key: string; range: TimeRange }[]): Slab[] {
  const bounds = [...new Set(parts.flatMap((part) => [part.range.start, part.range.end]))].sort((a, b) => a - b);
  const slabs: Slab[] = [];
  for (let index = 0; index + 1 < bounds.length; index += 1) {
    const start = bounds[index]!;
    const end = bounds[index + 1]!;
    const keys = parts.filter((part) => part.range.start <= start && end <= part.range.end).map((part) => part.key);
    if (keys.length > 0) {
      slabs.push({ start, end, keys: [...new Set(keys)] });
    }
  }
  return slabs;
}

/** The slabs that readRangeSums reads from each rollup table. */
export interface RangeReads {
  /** Minute slabs added to their ranges. */
  addedMinutes: Slab[];
  /** Minute slabs subtracted from their ranges, the rest of an hour read whole. */
  subtractedMinutes: Slab[];
  hours: Slab[];
  days: Slab[];
}

/**
 * Plans the reads of named ranges: whole days, whole hours and edge minutes, as splitRange cuts
 * them. An edge of more than half an hour inside one hour is read as that hour less the minutes
 * outside the edge, which halves the minute rows at most.
 */
export function planRangeReads(ranges: readonly NamedRange[]): RangeReads {
  const added: { key: string; range: TimeRange }[] = [];
  const subtracted: { key: string; range: TimeRange }[] = [];
  const hours: { key: string; range: TimeRange }[] = [];
  const days: { key: string; range: TimeRange }[] = [];
  for (const range of ranges) {
    const split = splitRange(range);
    for (const part of split.minutes) {
      const hour = Math.floor(part.start / HOUR_MS) * HOUR_MS;
      if (part.end - part.start > HOUR_MS / 2 && part.end <= hour + HOUR_MS) {
        hours.push({ key: range.key, range: { start: hour, end: hour + HOUR_MS } });
        if (hour < part.start) {
          subtracted.push({ key: range.key, range: { start: hour, end: part.start } });
        }
        if (part.end < hour + HOUR_MS) {
          subtracted.push({ key: range.key, range: { start: part.end, end: hour + HOUR_MS } });
        }
      } else {
        added.push({ key: range.key, range: part });
      }
    }
    split.hours.forEach((part) => hours.push({ key: range.key, range: part }));
    if (split.days !== null) {
      days.push({ key: range.key, range: split.days });
    }
  }
  return {
    addedMinutes: disjointSlabs(added),
    subtractedMinutes: disjointSlabs(subtracted),
    hours: disjointSlabs(hours),
    days: disjointSlabs(days),
  };
}
