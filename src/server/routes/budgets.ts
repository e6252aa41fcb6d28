import { Router, type Response } from "express";
import { principalOf, requireApiKey } from "../../apikeys/http.ts";
import type { ComputedBudget } from "../../budgets/compute.ts";
import { readLatestBudgetRun, type BudgetRun } from "../../budgets/repository.ts";
import type { BudgetService } from "../../service/service.ts";
import { sendError } from "../errors.ts";

/** JSON form of one row of error_budgets_latest. */
export function budgetJson(budget: ComputedBudget) {
  return {
    vertical: budget.vertical,
    tenant_id: budget.tenantId,
    name: budget.name,
    status: budget.status,
    target: budget.target,
    budget: budget.budget,
    sli: budget.sli,
    burn: budget.burn,
    burn_rate: budget.burnRate,
    burn_rates: budget.burnRates,
    alert: budget.alert,
    recovers_at: budget.recoversAt?.toISOString() ?? null,
    remaining: budget.remaining,
    eligible: budget.eligible,
    good: budget.good,
    window_start: budget.windowStart.toISOString(),
    window_end: budget.windowEnd.toISOString(),
  };
}

/** Sends the rows of the newest run that `keep` selects, or 404 before the first computation. */
export function sendBudgets(
  service: BudgetService,
  response: Response,
  run: BudgetRun | null,
  keep: (budget: ComputedBudget) => boolean,
  extra: object = {},
): void {
  if (run === null) {
    sendError(response, 404, "not_found", "no budgets have been computed yet");
    return;
  }
  response.json({
    run_id: run.runId,
    computed_at: run.windowEnd.toISOString(),
    revision: service.data?.revision ?? null,
    ...extra,
    budgets: run.budgets.filter(keep).map(budgetJson),
  });
}

/**
 * Serves GET /api/budgets, the budgets of the newest computation. An admin key reads every row. A
 * tenant key reads only the rows of its tenant, because a vertical's row aggregates the calls of
 * every tenant of that vertical.
 */
export function budgetsRouter(service: BudgetService): Router {
  const router = Router();
  router.get("/api/budgets", requireApiKey(service.db, service.config.adminToken), async (_request, response) => {
    const { scope } = principalOf(response);
    const run = await readLatestBudgetRun(service.db);
    sendBudgets(service, response, run, (budget) => scope.kind === "admin" || budget.tenantId === scope.tenantId);
  });
  return router;
}
