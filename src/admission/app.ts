import express, { type Express } from "express";
import { errorHandler, sendError } from "../server/errors.ts";
import { healthRouter } from "../server/routes/health.ts";
import type { BudgetService } from "../service/service.ts";
import { requestLog } from "./request-log.ts";
import { admissionRouter } from "./router.ts";

/** Builds the Express application of the webhook listener: the admission route and /healthz for probes. */
export function createWebhookApp(service: BudgetService, bodyLimitBytes: number): Express {
  const app = express();
  app.disable("x-powered-by");
  // Every response is unique to its request, so an ETag would only cost a hash of each body.
  app.set("etag", false);
  app.use(requestLog("webhook"));
  app.use(healthRouter(service));
  app.use(admissionRouter(service, bodyLimitBytes));
  app.use((request, response) => sendError(response, 404, "not_found", `no route for ${request.method} ${request.path}`));
  app.use(errorHandler);
  return app;
}
