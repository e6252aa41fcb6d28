import { Router } from "express";
import type { BudgetService } from "../../service/service.ts";
import { requireBearer } from "../bearer.ts";

/** GET /metrics in the Prometheus text format, behind BUDGETGATE_METRICS_TOKEN when it is set. */
export function metricsRouter(service: BudgetService): Router {
  const router = Router();
  router.get("/metrics", requireBearer(service.config.metricsToken, "budgetgate metrics"), async (_request, response) => {
    response.set("Content-Type", service.metrics.registry.contentType);
    response.end(await service.metrics.registry.metrics());
  });
  return router;
}
