import express, { type Express } from "express";
import { errorHandler, sendError } from "../server/errors.ts";
import { healthRouter } from "../server/routes/health.ts";
import type { BudgetService } from "../service/service.ts";
import { requestLog } from "../admission/request-log.ts";
import { providerRouter } from "./router.ts";

/** Builds the Express application of the provider listener: the external data route and /healthz. */
export function createProviderApp(service: BudgetService, bodyLimitBytes: number): Express {
  const app = express();
  app.disable("x-powered-by");
  // Every response is unique to its request, so an ETag would only cost a hash of each body.
  app.set("etag", false);
  app.use(requestLog("provider"));
  app.use(healthRouter(service));
  app.use(providerRouter(service, bodyLimitBytes));
  app.use((request, response) => sendError(response, 404, "not_found", `no route for ${request.method} ${request.path}`));
  app.use(errorHandler);
  return app;
}
