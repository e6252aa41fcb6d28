import { loadConfig, type Config } from "../config/config.ts";
import type { Database, Queryable } from "../db/database.ts";
import { ConfigError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import { evaluateBudget, type BudgetScope, type ComputedBudget } from "./compute.ts";
import { loadBudgetDefinitions, scopeParameters, type BudgetDefinition } from "./definitions.ts";
import { BudgetComputationError } from "./errors.ts";
import { plannedRanges } from "./ranges.ts";
import { costRecoveryTime, hoursNeedingMinutes, ratioRecoveryTime, refineSeries, type RatioBucket } from "./recovery.ts";
import { insertBudgetRun, type BudgetRun } from "./repository.ts";
import { anyPlannedBurn, readExcludedSums, readRangeSums } from "./rollup-read.ts";
import {
  hasPlannedBurn,
  readCoarseCostSeries,
  readCoarseRatioSeries,
  readCostSeries,
  readMinutesOfHours,
  readRatioSeries,
} from "./rollup-series.ts";
import { rollupSpecFor, type RollupSpec } from "./rollup-spec.ts";
import { withFreshRollups } from "./rollups.ts";
import { SumsIndex } from "./sums-index.ts";
import { syncBudgetsFileIfChanged } from "./sync.ts";

export type { BudgetRun } from "./repository.ts";

export interface BudgetRunOptions {
  /** Defaults to the environment, read with loadConfig(). */
  config?: Pick<Config, "budgetsFile" | "lateArrivalMinutes" | "thresholds">;
  /** End of every window. Default: the database clock, so a skewed service clock moves nothing. */
  windowEnd?: Date;
  /** Scheduled time of the cron tick this run belongs to; see insertBudgetRun. */
  tickSlot?: Date | null;
  /** Write the budgets file into budget_definitions first, when it changed since this process last did. Default true. */
  syncDefinitions?: boolean;
}

function scopesOf(definition: BudgetDefinition, verticals: readonly string[]): BudgetScope[] {
  const scopes: BudgetScope[] = verticals.map((vertical) => ({ vertical, tenantId: null }));
  for (const override of definition.overrides) {
    if (override.tenant !== null && verticals.includes(override.vertical)) {
      scopes.push({ vertical: override.vertical, tenantId: override.tenant });
    }
  }
  return scopes;
}

/** Fills recoversAt of the budgets below the block threshold from their minute series. */
async function fillRecoveryTimes(
  db: Queryable,
  spec: RollupSpec,
  definitions: ReadonlyMap<string, BudgetDefinition>,
  budgets: ComputedBudget[],
  options: { block: number; burns: boolean },
): Promise<void> {
  const { block } = options;
  for (const budget of budgets) {
    if (budget.status !== "ok" || budget.remaining === null || budget.remaining >= block) {
      continue;
    }
    const definition = definitions.get(budget.name)!;
    const scope = { budget: budget.name, vertical: budget.vertical, tenantId: budget.tenantId };
    const end = budget.windowEnd.getTime();
    const windowMs = definition.windowSeconds * 1000;
    try {
      let recovery: number | null;
      if (definition.sli === "cost") {
        const baselineMs = (definition.baselineSeconds ?? 0) * 1000;
        const range = { start: end - windowMs - baselineMs, end };
        const withBurn = options.burns && (await hasPlannedBurn(db, scope, range));
        const buckets = withBurn ? await readCostSeries(db, scope, range) : await readCoarseCostSeries(db, scope, range);
        recovery = costRecoveryTime({ buckets, windowEndMs: end, windowMs, baselineMs, allowedOverrun: budget.target, block });
      } else {
        const { thresholdMs } = scopeParameters(definition, budget.vertical, budget.tenantId);
        const range = { start: end - windowMs, end };
        let buckets: RatioBucket[];
        if (options.burns && (await hasPlannedBurn(db, scope, range))) {
          buckets = await readRatioSeries(db, spec, scope, definition.sli, thresholdMs, range);
        } else {
          // Whole hours first; minutes only for the hours that can hold the recovery time.
          const coarse = await readCoarseRatioSeries(db, spec, scope, definition.sli, thresholdMs, range);
          const hours = hoursNeedingMinutes(coarse, budget.target, block);
          buckets = refineSeries(coarse, await readMinutesOfHours(db, spec, scope, definition.sli, thresholdMs, hours));
        }
        recovery = ratioRecoveryTime(buckets, windowMs, budget.target, block);
      }
      budget.recoversAt = recovery === null ? null : new Date(recovery);
    } catch (error) {
      throw new BudgetComputationError(
        `could not compute when the ${budget.name} budget of ${budget.vertical} recovers: ${describeError(error)}`,
        { cause: error, vertical: budget.vertical, budget: budget.name },
      );
    }
  }
}

/** Computes every budget of every vertical, and of every tenant with an override, sorted. */
function evaluateAll(spec: RollupSpec, definitions: readonly BudgetDefinition[], index: SumsIndex, windowEnd: Date): ComputedBudget[] {
  const budgets: ComputedBudget[] = [];
  for (const definition of definitions) {
    for (const scope of scopesOf(definition, index.verticals)) {
      try {
        const parameters = scopeParameters(definition, scope.vertical, scope.tenantId);
        const sumsOf = (rangeKey: string) => index.sums(rangeKey, definition.name, scope.vertical, scope.tenantId);
        budgets.push(evaluateBudget(spec, definition, scope, parameters, sumsOf, windowEnd));
      } catch (error) {
        throw new BudgetComputationError(`could not compute the ${definition.name} budget of ${scope.vertical}: ${describeError(error)}`, {
          cause: error,
          vertical: scope.vertical,
          budget: definition.name,
        });
      }
    }
  }
  // Vertical, then the vertical's own budget before its tenants', then name.
  budgets.sort(
    (a, b) =>
      a.vertical.localeCompare(b.vertical) ||
      Number(a.tenantId !== null) - Number(b.tenantId !== null) ||
      (a.tenantId ?? "").localeCompare(b.tenantId ?? "") ||
      a.name.localeCompare(b.name),
  );
  return budgets;
}

/**
 * Computes every budget of every vertical from the rollups and writes them as one run.
 * Windows end at the database clock, so a skewed service clock does not move them.
 */
export async function runBudgetComputation(db: Database, options: BudgetRunOptions = {}): Promise<BudgetRun> {
  const startedAt = Date.now();
  const config = options.config ?? loadConfig();
  try {
    if (options.syncDefinitions ?? true) {
      await syncBudgetsFileIfChanged(db, config.budgetsFile);
    }
    let windowEnd = options.windowEnd;
    if (windowEnd === undefined) {
      const [clock] = await db.query<{ now: Date }>("select now() as now");
      windowEnd = clock!.now;
    }
    const definitions = await loadBudgetDefinitions(db);
    const spec = rollupSpecFor(definitions);
    const ranges = plannedRanges(definitions, windowEnd.getTime());
    const definitionsByName = new Map(definitions.map((definition) => [definition.name, definition]));
    // One transaction refreshes the rollups, reads them and writes the run.
    const { runId, budgets, verticals, rebuilt } = await withFreshRollups(
      db,
      spec,
      windowEnd,
      { lateArrivalMinutes: config.lateArrivalMinutes },
      async (tx, rebuilt) => {
        const burns = await anyPlannedBurn(tx, ranges, windowEnd);
        const excluded = burns ? await readExcludedSums(tx, spec, ranges, windowEnd) : [];
        const index = new SumsIndex(spec, await readRangeSums(tx, spec, ranges), excluded);
        const budgets = evaluateAll(spec, definitions, index, windowEnd);
        await fillRecoveryTimes(tx, spec, definitionsByName, budgets, { block: config.thresholds.block, burns });
        const runId = await insertBudgetRun(tx, new Date(startedAt), windowEnd, budgets, options.tickSlot ?? null);
        return { runId, budgets, verticals: index.verticals.length, rebuilt };
      },
    );
    logger.info(
      { runId, budgets: budgets.length, verticals, rollupsRebuilt: rebuilt, durationMs: Date.now() - startedAt },
      "budgets computed",
    );
    return { runId, windowEnd, budgets };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof BudgetComputationError) {
      throw error;
    }
    throw new BudgetComputationError(`could not compute budgets: ${describeError(error)}`, { cause: error });
  }
}
