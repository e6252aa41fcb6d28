import { Router } from "express";
import type { BudgetService } from "../../service/service.ts";

/** GET /metrics in the Prometheus text format. */
export function metricsRouter(service: BudgetService): Router {
  const router = Router();
  router.get("/metrics", async (_request, response) => {
    response.set("Content-Type", service.metrics.registry.contentType);
    response.end(await service.metrics.registry.metrics());
  });
  return router;
}
