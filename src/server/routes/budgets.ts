import { Router } from "express";
import { readLatestBudgetRun } from "../../budgets/repository.ts";
import type { BudgetService } from "../../service/service.ts";
import { sendError } from "../errors.ts";

/** GET /api/budgets: the budgets of the newest computation. */
export function budgetsRouter(service: BudgetService): Router {
  const router = Router();
  router.get("/api/budgets", async (_request, response) => {
    const run = await readLatestBudgetRun(service.db);
    if (run === null) {
      sendError(response, 404, "not_found", "no budgets have been computed yet");
      return;
    }
    response.json({
      run_id: run.runId,
      computed_at: run.windowEnd.toISOString(),
      revision: service.data?.revision ?? null,
      budgets: run.budgets.map((budget) => ({
        vertical: budget.vertical,
        tenant_id: budget.tenantId,
        name: budget.name,
        status: budget.status,
        target: budget.target,
        budget: budget.budget,
        sli: budget.sli,
        burn: budget.burn,
        burn_rate: budget.burnRate,
        remaining: budget.remaining,
        eligible: budget.eligible,
        good: budget.good,
        window_start: budget.windowStart.toISOString(),
        window_end: budget.windowEnd.toISOString(),
      })),
    });
  });
  return router;
}
