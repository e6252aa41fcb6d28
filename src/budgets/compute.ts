import type { BudgetCounts } from "./counts.ts";
import type { BudgetDefinition } from "./definitions.ts";
import { costBudget, ratioBudget, type BudgetFigures } from "./math.ts";

/** One computed budget of one vertical: a row of error_budgets. */
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
}

/** Turns per-vertical counts into budget figures. Pure: no clock and no database. */
export function computeBudgets(
  definitions: readonly BudgetDefinition[],
  countsByVertical: ReadonlyMap<string, ReadonlyMap<string, BudgetCounts>>,
  windowEnd: Date,
): ComputedBudget[] {
  const budgets: ComputedBudget[] = [];
  for (const [vertical, perBudget] of countsByVertical) {
    for (const definition of definitions) {
      const counts = perBudget.get(definition.name);
      if (counts === undefined) {
        continue;
      }
      const figures =
        definition.sli === "cost"
          ? costBudget(counts, definition.allowedOverrun ?? 0)
          : ratioBudget(counts, definition.target ?? 0);
      budgets.push({
        ...figures,
        vertical,
        tenantId: null,
        name: definition.name,
        target: definition.sli === "cost" ? (definition.allowedOverrun ?? 0) : (definition.target ?? 0),
        eligible: counts.eligible,
        good: counts.good,
        windowStart: new Date(windowEnd.getTime() - definition.windowSeconds * 1000),
        windowEnd,
      });
    }
  }
  return budgets;
}
