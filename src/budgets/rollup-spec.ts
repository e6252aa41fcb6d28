/**
 * The build parameters of the rollups: the latency and stall thresholds in use and how long
 * buckets are kept. Pure: no clock and no database. A change of either makes the engine rebuild the
 * rollups, because existing buckets counted good events at the old thresholds.
 */
import { z } from "zod";
import { BURN_WINDOW_MS } from "./alerts.ts";
import type { BudgetDefinition, SliKind } from "./definitions.ts";
import { DAY_MS, HOUR_MS } from "./durations.ts";

export interface RollupSpec {
  /** Distinct latency thresholds in milliseconds, ascending; index i is latency_good[i + 1]. */
  latencyThresholds: number[];
  /** Distinct stall thresholds in milliseconds, ascending; index i is stall_good[i + 1]. */
  stallThresholds: number[];
  /** Buckets older than this, before the window end, are dropped. Whole hours. */
  retentionSeconds: number;
}

export const rollupSpecSchema = z.object({
  latencyThresholds: z.array(z.number().int()),
  stallThresholds: z.array(z.number().int()),
  retentionSeconds: z.number().int().positive(),
});

function thresholdsOf(definitions: readonly BudgetDefinition[], sli: SliKind): number[] {
  const values = new Set<number>();
  for (const definition of definitions) {
    if (definition.sli !== sli) {
      continue;
    }
    if (definition.thresholdMs !== null) {
      values.add(definition.thresholdMs);
    }
    for (const override of definition.overrides) {
      if (override.thresholdMs !== null) {
        values.add(override.thresholdMs);
      }
    }
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * Derives the rollup spec from the definitions. Retention covers the longest window plus its cost
 * baseline, and at least the longest burn-rate window, plus one day so that a late tick still
 * finds every bucket it reads.
 */
export function rollupSpecFor(definitions: readonly BudgetDefinition[]): RollupSpec {
  let longestMs = Math.max(...Object.values(BURN_WINDOW_MS));
  for (const definition of definitions) {
    longestMs = Math.max(longestMs, (definition.windowSeconds + (definition.baselineSeconds ?? 0)) * 1000);
  }
  const retentionMs = Math.ceil((longestMs + DAY_MS) / HOUR_MS) * HOUR_MS;
  return {
    latencyThresholds: thresholdsOf(definitions, "latency"),
    stallThresholds: thresholdsOf(definitions, "stall"),
    retentionSeconds: retentionMs / 1000,
  };
}

export function sameRollupSpec(a: RollupSpec, b: RollupSpec): boolean {
  return (
    a.retentionSeconds === b.retentionSeconds &&
    a.latencyThresholds.join(",") === b.latencyThresholds.join(",") &&
    a.stallThresholds.join(",") === b.stallThresholds.join(",")
  );
}

/** 1-based position of a threshold in latency_good or stall_good; throws when it is not rolled up. */
export function thresholdPosition(spec: RollupSpec, sli: "latency" | "stall", thresholdMs: number): number {
  const list = sli === "latency" ? spec.latencyThresholds : spec.stallThresholds;
  const index = list.indexOf(thresholdMs);
  if (index < 0) {
    throw new Error(`the rollups hold no ${sli} counts at ${thresholdMs} ms (they hold ${list.join(", ") || "none"})`);
  }
  return index + 1;
}

/** Start of the oldest bucket kept for windows ending at `windowEndMs`, on a whole UTC hour. */
export function retentionStartMs(spec: RollupSpec, windowEndMs: number): number {
  return Math.floor((windowEndMs - spec.retentionSeconds * 1000) / HOUR_MS) * HOUR_MS;
}
