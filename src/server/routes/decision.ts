import { Router } from "express";
import { z } from "zod";
import type { BudgetService } from "../../service/service.ts";
import { sendError } from "../errors.ts";

const requestSchema = z.object({ input: z.record(z.string(), z.unknown()) });

/** POST /v1/data/budgetgate/decision, shaped like OPA's Data API. */
export function decisionRouter(service: BudgetService): Router {
  const router = Router();
  router.post("/v1/data/budgetgate/decision", (request, response) => {
    const parsed = requestSchema.safeParse(request.body);
    if (!parsed.success) {
      sendError(
        response,
        400,
        "invalid_parameter",
        'request body must be a JSON object with an "input" object, e.g. {"input": {"deploy": {"type": "prompt", "vertical": "healthcare"}}}',
      );
      return;
    }
    if (service.data === null) {
      sendError(response, 503, "budgets_unavailable", "no budget data is loaded yet; budgets have not been computed");
      return;
    }
    const { decision, decisionId } = service.decide(parsed.data.input, "api");
    response.json({ decision_id: decisionId, result: decision });
  });
  return router;
}
