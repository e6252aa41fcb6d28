import express, { type Express } from "express";
import { pinoHttp } from "pino-http";
import { logger } from "../log.ts";
import type { BudgetService } from "../service/service.ts";
import { errorHandler, sendError } from "./errors.ts";
import { adminRouter } from "./routes/admin.ts";
import { budgetsRouter } from "./routes/budgets.ts";
import { decisionRouter } from "./routes/decision.ts";
import { healthRouter } from "./routes/health.ts";
import { metricsRouter } from "./routes/metrics.ts";
import { plannedBurnsRouter } from "./routes/planned-burns.ts";
import { opaRouter } from "./routes/opa.ts";
import { tenantsRouter } from "./routes/tenants.ts";

/** Builds the Express application: decision API, budgets API and health check. */
export function createApp(service: BudgetService): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use(
    pinoHttp({
      logger,
      quietReqLogger: true,
      // Successful requests log at debug so that decision traffic does not flood the log.
      customLogLevel: (_request, response, error) => {
        if (error !== undefined || response.statusCode >= 500) {
          return "error";
        }
        return response.statusCode >= 400 ? "warn" : "debug";
      },
    }),
  );
  app.use(
    opaRouter({
      store: service.bundles,
      db: service.db,
      bundleName: service.config.bundle.name,
      token: service.config.bundle.token,
      maxWaitSeconds: service.config.bundle.longPollMaxSeconds,
      reportLimitBytes: service.config.bundle.reportLimitBytes,
    }),
  );
  app.use(express.json({ limit: service.config.bodyLimitBytes }));
  app.use(healthRouter(service));
  app.use(metricsRouter(service));
  app.use(decisionRouter(service));
  app.use(budgetsRouter(service));
  app.use(plannedBurnsRouter(service));
  app.use(tenantsRouter(service));
  app.use(adminRouter(service));
  app.use((request, response) => sendError(response, 404, "not_found", `no route for ${request.method} ${request.path}`));
  app.use(errorHandler);
  return app;
}
