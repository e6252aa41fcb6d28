import { Router } from "express";
import type { BudgetService } from "../../service/service.ts";
import { answerDecisionRequest } from "../decision-request.ts";

/** POST /v1/data/budgetgate/decision through Express, for requests the fast path passes on. */
export function decisionRouter(service: BudgetService): Router {
  const router = Router();
  router.post("/v1/data/budgetgate/decision", (request, response) => {
    const answer = answerDecisionRequest(service, request.body);
    response.status(answer.status).json(answer.body);
  });
  return router;
}
