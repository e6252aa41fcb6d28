/**
 * Collects what the /admin/sre page shows: the newest budgets with a forecast and a burn chart
 * each, the planned burns and the latest decisions.
 */
import type { ComputedBudget } from "../budgets/compute.ts";
import { loadBudgetDefinitions, scopeParameters, type BudgetDefinition } from "../budgets/definitions.ts";
import { readLatestBudgetRun } from "../budgets/repository.ts";
import type { RollupSpec } from "../budgets/rollup-spec.ts";
import type { Config } from "../config/config.ts";
import type { Queryable } from "../db/database.ts";
import { describeError } from "../errors.ts";
import { FORECAST_DEFAULTS, forecastBudget, HOUR_MS, type BudgetForecast } from "../forecast/index.ts";
import { logger } from "../log.ts";
import { readLatestDecisions, readPlannedBurns, type DecisionRow, type PlannedBurnRow } from "./activity.ts";
import { CHART_HOURS, cumulativeSpent } from "./chart.ts";
import { readHourlyCounts, readRollupSpec } from "./history.ts";

export interface BudgetView {
  budget: ComputedBudget;
  /** Null when the budget's definition is no longer enabled. */
  definition: BudgetDefinition | null;
  /** Null for the cost budget and when no forecast could be made; `forecastNote` gives the reason. */
  forecast: BudgetForecast | null;
  forecastNote: string;
  /** Cumulative share of the budget spent per hour of the last 7 days; null without a chart. */
  chart: number[] | null;
}

export interface SrePageData {
  runId: number | null;
  computedAt: Date | null;
  budgets: BudgetView[];
  plannedBurns: PlannedBurnRow[];
  decisions: DecisionRow[];
}

/** Hours of history read for each forecast: the most Holt-Winters is fitted on. */
const HISTORY_HOURS = FORECAST_DEFAULTS.maxTrainingHours;

async function viewOf(
  db: Queryable,
  budget: ComputedBudget,
  definition: BudgetDefinition | undefined,
  spec: RollupSpec | null,
  thresholds: Config["thresholds"],
): Promise<BudgetView> {
  const view = (forecastNote: string, rest: Partial<BudgetView> = {}): BudgetView => ({
    budget,
    definition: definition ?? null,
    forecast: null,
    forecastNote,
    chart: null,
    ...rest,
  });
  if (definition === undefined) {
    return view("n/a: the budget is no longer defined");
  }
  if (definition.sli === "cost") {
    return view("n/a");
  }
  if (spec === null) {
    return view("n/a: the rollups are not built yet");
  }
  const endMs = budget.windowEnd.getTime();
  try {
    const history = await readHourlyCounts(
      db,
      spec,
      {
        vertical: budget.vertical,
        tenantId: budget.tenantId,
        sli: definition.sli,
        thresholdMs: scopeParameters(definition, budget.vertical, budget.tenantId).thresholdMs,
      },
      new Date(Math.floor(endMs / HOUR_MS) * HOUR_MS - HISTORY_HOURS * HOUR_MS),
      budget.windowEnd,
    );
    const chart = cumulativeSpent(history, endMs, budget.target);
    const forecast = forecastBudget({
      history,
      nowMs: endMs,
      target: budget.target,
      windowMs: definition.windowSeconds * 1000,
      remaining: budget.remaining,
      recoveryThreshold: thresholds.block,
    });
    return view("", { forecast, chart });
  } catch (error) {
    // One budget without a forecast should not take the page down, so the row shows the reason instead.
    logger.warn({ err: error, vertical: budget.vertical, tenantId: budget.tenantId, budget: budget.name, reason: describeError(error) }, "admin page forecast failed");
    return view(`n/a: ${describeError(error)}`);
  }
}

/** Reads everything the page shows. Budgets are in the order of the run: vertical, tenant, name. */
export async function loadSrePageData(db: Queryable, thresholds: Config["thresholds"]): Promise<SrePageData> {
  const run = await readLatestBudgetRun(db);
  const definitions = new Map((await loadBudgetDefinitions(db)).map((definition) => [definition.name, definition]));
  const spec = await readRollupSpec(db);
  const budgets: BudgetView[] = [];
  for (const budget of run?.budgets ?? []) {
    budgets.push(await viewOf(db, budget, definitions.get(budget.name), spec, thresholds));
  }
  const windowStart = run === null ? new Date(Date.now() - CHART_HOURS * HOUR_MS) : new Date(run.windowEnd.getTime() - CHART_HOURS * HOUR_MS);
  return {
    runId: run?.runId ?? null,
    computedAt: run?.windowEnd ?? null,
    budgets,
    plannedBurns: await readPlannedBurns(db, windowStart),
    decisions: await readLatestDecisions(db),
  };
}
