import { Router } from "express";
import type { BudgetService } from "../../service/service.ts";

/** GET /healthz: 200 once budget data is loaded, 503 before. */
export function healthRouter(service: BudgetService): Router {
  const router = Router();
  router.get("/healthz", async (_request, response) => {
    const data = service.data;
    let database = "ok";
    try {
      await service.db.query("select 1");
    } catch {
      database = "unavailable";
    }
    const body = {
      status: data === null ? "starting" : "ok",
      database,
      revision: data?.revision ?? null,
      computed_at: data === null ? null : new Date(data.computed_at_ns / 1e6).toISOString(),
    };
    response.status(data === null ? 503 : 200).json(body);
  });
  return router;
}
