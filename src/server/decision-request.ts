import { z } from "zod";
import type { BudgetService } from "../service/service.ts";

const requestSchema = z.object({ input: z.record(z.string(), z.unknown()) });

/** Status and JSON body of the response to a decision request. */
export interface DecisionAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Decides on the parsed body of `POST /v1/data/budgetgate/decision`, shaped like OPA's Data API:
 * `{"input": {...}}` in, `{"decision_id", "result"}` out, `{"code", "message"}` on errors.
 */
export function answerDecisionRequest(service: BudgetService, body: unknown): DecisionAnswer {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    return {
      status: 400,
      body: {
        code: "invalid_parameter",
        message:
          'request body must be a JSON object with an "input" object, e.g. {"input": {"deploy": {"type": "prompt", "vertical": "healthcare"}}}',
      },
    };
  }
  if (service.data === null) {
    return { status: 503, body: { code: "budgets_unavailable", message: "no budget data is loaded yet; budgets have not been computed" } };
  }
  const { decision, decisionId } = service.decide(parsed.data.input, "api");
  return { status: 200, body: { decision_id: decisionId, result: decision } };
}
