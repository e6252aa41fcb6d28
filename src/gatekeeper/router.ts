import express, { Router, type ErrorRequestHandler } from "express";
import { logger } from "../log.ts";
import type { BudgetService } from "../service/service.ts";
import { answerProviderRequest, providerResponse } from "./provider.ts";

/** Route of the external data provider; the Provider resource's spec.url must end with it. */
export const PROVIDER_PATH = "/gatekeeper/provider";

/**
 * POST /gatekeeper/provider: ProviderRequest in, ProviderResponse out. Every response, including the
 * one to an invalid or oversized body, is a ProviderResponse, so Gatekeeper can show its systemError.
 */
export function providerRouter(service: BudgetService, bodyLimitBytes: number): Router {
  const router = Router();
  router.post(PROVIDER_PATH, express.json({ limit: bodyLimitBytes }), (request, response) => {
    if (request.body === undefined) {
      response.status(400).json(providerResponse([], "request body must be a ProviderRequest in JSON, sent with content-type application/json"));
      return;
    }
    const outcome = answerProviderRequest(service, request.body);
    response.status(outcome.status).json(outcome.body);
  });
  router.use(PROVIDER_PATH, bodyErrorHandler);
  return router;
}

const bodyErrorHandler: ErrorRequestHandler = (error: unknown, _request, response, next) => {
  const type = (error as { type?: string }).type;
  if (type === "entity.too.large") {
    const limit = (error as { limit?: number }).limit;
    response.status(413).json(providerResponse([], `request body exceeds the limit of ${limit} bytes; send fewer keys per request`));
    return;
  }
  if (type === "entity.parse.failed") {
    response.status(400).json(providerResponse([], `request body is not valid JSON: ${(error as Error).message}`));
    return;
  }
  logger.debug({ type }, "gatekeeper provider: passing an unexpected error to the app's error handler");
  next(error);
};
