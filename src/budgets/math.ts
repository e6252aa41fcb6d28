/**
 * Pure error-budget arithmetic. No clock, no I/O: callers pass counts and sums.
 *
 * For a ratio budget with target t over a window with `eligible` events of which `good` were good:
 *   SLI = good / eligible, burn = 1 - SLI, budget = 1 - t,
 *   burn rate = burn / budget, remaining = 1 - burn rate = (SLI - t) / (1 - t).
 *
 * The cost budget compares the mean cost per call in the window with the mean cost per call in
 * the baseline period before it, and allows an overrun `a` (0.15 = 15 %):
 *   overrun = max(0, windowMean / baselineMean - 1), budget = a,
 *   burn rate = overrun / a, remaining = 1 - overrun / a.
 * A window cheaper than its baseline burns nothing, so remaining never exceeds 1.
 *
 * Remaining is not clamped at 0: an overspent budget has a negative remaining fraction.
 */

/** Whether a budget had events to judge. `no_data` budgets have null SLI, burn and remaining. */
export type BudgetStatus = "ok" | "no_data";

export interface BudgetFigures {
  status: BudgetStatus;
  /** Good fraction of eligible events; for the cost budget, baselineMean / windowMean. */
  sli: number | null;
  /** Observed bad fraction; for the cost budget, the overrun over the baseline. */
  burn: number | null;
  /** Share of events allowed to be bad: 1 - target, or the allowed cost overrun. */
  budget: number;
  /** burn / budget; 1.0 spends exactly the budget over the window. */
  burnRate: number | null;
  /** 1 = untouched, 0 = spent, negative = overspent. */
  remaining: number | null;
}

export interface RatioCounts {
  eligible: number;
  good: number;
}

/** Computes a ratio budget (availability, latency, stall, quality) from event counts. */
export function ratioBudget(counts: RatioCounts, target: number): BudgetFigures {
  const budget = 1 - target;
  if (counts.eligible <= 0) {
    return { status: "no_data", sli: null, burn: null, budget, burnRate: null, remaining: null };
  }
  const sli = counts.good / counts.eligible;
  const burn = 1 - sli;
  const burnRate = burn / budget;
  return { status: "ok", sli, burn, budget, burnRate, remaining: 1 - burnRate };
}

export interface CostSums {
  windowCalls: number;
  windowCostUsd: number;
  baselineCalls: number;
  baselineCostUsd: number;
}

/** Computes the cost budget from call counts and cost sums of the window and its baseline. */
export function costBudget(sums: CostSums, allowedOverrun: number): BudgetFigures {
  const budget = allowedOverrun;
  if (sums.windowCalls <= 0 || sums.baselineCalls <= 0 || sums.baselineCostUsd <= 0) {
    return { status: "no_data", sli: null, burn: null, budget, burnRate: null, remaining: null };
  }
  const windowMean = sums.windowCostUsd / sums.windowCalls;
  const baselineMean = sums.baselineCostUsd / sums.baselineCalls;
  const ratio = windowMean / baselineMean;
  const burn = Math.max(0, ratio - 1);
  const burnRate = burn / budget;
  return { status: "ok", sli: 1 / ratio, burn, budget, burnRate, remaining: 1 - burnRate };
}
