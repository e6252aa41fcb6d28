import { Router } from "express";
import { principalOf, rejectForbidden, requireApiKey } from "../../apikeys/http.ts";
import { scopeAllowsTenant, tenantIdSchema } from "../../apikeys/keys.ts";
import { readLatestBudgetRun } from "../../budgets/repository.ts";
import type { BudgetService } from "../../service/service.ts";
import { sendError } from "../errors.ts";
import { sendBudgets } from "./budgets.ts";

/**
 * GET /api/tenants/:id/budgets: the budgets of one tenant in the newest computation, for an admin
 * key or the tenant key of that id. The key is checked before the id, so a request without a valid
 * key learns nothing about which ids are well formed. A tenant without tenant-level budgets (no
 * override in the budgets file) gets an empty list.
 */
export function tenantsRouter(service: BudgetService): Router {
  const router = Router();
  router.get("/api/tenants/:id/budgets", requireApiKey(service.db, service.config.adminToken), async (request, response) => {
    const principal = principalOf(response);
    const parsed = tenantIdSchema.safeParse(request.params.id);
    if (!parsed.success) {
      sendError(response, 400, "invalid_parameter", `invalid tenant id ${JSON.stringify(request.params.id)}: ${parsed.error.issues[0]!.message}`);
      return;
    }
    const tenantId = parsed.data;
    if (!scopeAllowsTenant(principal.scope, tenantId)) {
      rejectForbidden(request, response, principal, `reading the budgets of tenant ${tenantId}`);
      return;
    }
    const run = await readLatestBudgetRun(service.db);
    sendBudgets(service, response, run, (budget) => budget.tenantId === tenantId, { tenant_id: tenantId });
  });
  return router;
}
