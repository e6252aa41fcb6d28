import express, { Router } from "express";
import type { BudgetService } from "../service/service.ts";
import { sendError } from "../server/errors.ts";
import { reviewAdmission } from "./handler.ts";

/** Route of the ValidatingAdmissionWebhook; the webhook configuration's clientConfig.service.path must match it. */
export const ADMISSION_PATH = "/admission/validate";

/**
 * POST /admission/validate: AdmissionReview admission.k8s.io/v1 in and out. The app's error handler
 * returns 413 for bodies above `bodyLimitBytes` and 400 for invalid JSON.
 */
export function admissionRouter(service: BudgetService, bodyLimitBytes: number): Router {
  const router = Router();
  router.post(ADMISSION_PATH, express.json({ limit: bodyLimitBytes }), (request, response) => {
    if (request.body === undefined) {
      sendError(response, 400, "invalid_parameter", "request body must be an AdmissionReview in JSON, sent with content-type application/json");
      return;
    }
    const outcome = reviewAdmission(service, request.body);
    response.status(outcome.status).json(outcome.body);
  });
  return router;
}
