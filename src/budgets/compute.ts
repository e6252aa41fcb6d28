/**
 * Turns rollup sums into budgets: figures over the budget window, burn rates over the burn
 * windows and the alert level. Pure: no clock and no database.
 */
import { BURN_WINDOWS, emptyBurnRates, evaluateAlert, type AlertLevel, type BurnRates, type BurnWindow } from "./alerts.ts";
import type { BudgetDefinition, ScopeParameters } from "./definitions.ts";
import { costBudget, ratioBudget, type BudgetFigures, type RatioCounts } from "./math.ts";
import { baselineKey, burnKey, windowKey } from "./ranges.ts";
import type { RollupSums } from "./rollup-sql.ts";
import { thresholdPosition, type RollupSpec } from "./rollup-spec.ts";

/** One computed budget of one vertical, or of one tenant of it: a row of error_budgets. */
export interface ComputedBudget extends BudgetFigures {
  vertical: string;
  tenantId: string | null;
  name: string;
  /** SLO target of a ratio budget; the allowed overrun of the cost budget. */
  target: number;
  eligible: number;
  good: number;
  windowStart: Date;
  windowEnd: Date;
  /** Burn rate per window (5m to 3d); null where the window has no eligible events. */
  burnRates: BurnRates;
  /** Multiwindow burn-rate alert level. */
  alert: AlertLevel;
  /**
   * Earliest time at which remaining would be back at or above the block threshold if no new
   * events arrived. Null when it already is, and without data.
   */
  recoversAt: Date | null;
}

/** Eligible and good events of a ratio SLI in a set of rollup rows. */
export function ratioCounts(spec: RollupSpec, definition: BudgetDefinition, thresholdMs: number | null, sums: RollupSums): RatioCounts {
  switch (definition.sli) {
    case "availability":
      return { eligible: sums.calls, good: sums.connected };
    case "quality":
      return { eligible: sums.connected, good: sums.connectedOk };
    case "latency":
      return { eligible: sums.latencyEligible, good: sums.latencyGood[thresholdPosition(spec, "latency", thresholdMs ?? -1) - 1] ?? 0 };
    case "stall":
      return { eligible: sums.stallEligible, good: sums.stallGood[thresholdPosition(spec, "stall", thresholdMs ?? -1) - 1] ?? 0 };
    case "cost":
      throw new Error("the cost budget has no ratio counts");
  }
}

export interface BudgetScope {
  vertical: string;
  tenantId: string | null;
}

/**
 * Computes one budget of one scope. `sumsOf(rangeKey)` returns the scope's sums in a named range
 * with planned burns already taken out. The recovery time is left null for the caller to fill.
 */
export function evaluateBudget(
  spec: RollupSpec,
  definition: BudgetDefinition,
  scope: BudgetScope,
  parameters: ScopeParameters,
  sumsOf: (rangeKey: string) => RollupSums,
  windowEnd: Date,
): ComputedBudget {
  const windowMs = definition.windowSeconds * 1000;
  const window = sumsOf(windowKey(windowMs));
  const burnRates = emptyBurnRates();
  const eligibleByWindow = Object.fromEntries(BURN_WINDOWS.map((name) => [name, 0])) as Record<BurnWindow, number>;
  let figures: BudgetFigures;
  let target: number;
  let counts: RatioCounts;

  if (definition.sli === "cost") {
    const allowedOverrun = parameters.allowedOverrun ?? 0;
    const baseline = sumsOf(baselineKey(windowMs, (definition.baselineSeconds ?? 0) * 1000));
    const costOf = (sums: RollupSums) =>
      costBudget(
        { windowCalls: sums.calls, windowCostUsd: sums.costUsd, baselineCalls: baseline.calls, baselineCostUsd: baseline.costUsd },
        allowedOverrun,
      );
    figures = costOf(window);
    target = allowedOverrun;
    counts = { eligible: window.calls, good: 0 };
    // Burn windows compare their mean cost with the baseline of the budget window.
    for (const name of BURN_WINDOWS) {
      const sums = sumsOf(burnKey(name));
      burnRates[name] = costOf(sums).burnRate;
      eligibleByWindow[name] = sums.calls;
    }
  } else {
    target = parameters.target ?? 0;
    counts = ratioCounts(spec, definition, parameters.thresholdMs, window);
    figures = ratioBudget(counts, target);
    for (const name of BURN_WINDOWS) {
      const windowCounts = ratioCounts(spec, definition, parameters.thresholdMs, sumsOf(burnKey(name)));
      burnRates[name] = ratioBudget(windowCounts, target).burnRate;
      eligibleByWindow[name] = windowCounts.eligible;
    }
  }

  return {
    ...figures,
    vertical: scope.vertical,
    tenantId: scope.tenantId,
    name: definition.name,
    target,
    eligible: counts.eligible,
    good: counts.good,
    windowStart: new Date(windowEnd.getTime() - windowMs),
    windowEnd,
    burnRates,
    alert: evaluateAlert(definition.alerting, windowMs, burnRates, eligibleByWindow),
    recoversAt: null,
  };
}
