import { Router, type Response } from "express";
import { PlannedBurnConflictError, PlannedBurnNotFoundError } from "../../budgets/errors.ts";
import {
  addPlannedBurn,
  burnState,
  endPlannedBurn,
  listPlannedBurns,
  plannedBurnRequestSchema,
  type PlannedBurn,
} from "../../budgets/planned-burns.ts";
import { logger } from "../../log.ts";
import type { BudgetService } from "../../service/service.ts";
import { optionalAdminToken, requireAdminToken } from "../auth.ts";
import { sendError } from "../errors.ts";

function toJson(burn: PlannedBurn, now: Date) {
  return {
    id: burn.id,
    vertical: burn.vertical,
    tenant_id: burn.tenantId,
    budgets: burn.budgets,
    starts_at: burn.startsAt.toISOString(),
    ends_at: burn.endsAt.toISOString(),
    ended_at: burn.endedAt?.toISOString() ?? null,
    state: burnState(burn, now),
    reason: burn.reason,
    author: burn.author,
    created_at: burn.createdAt.toISOString(),
  };
}

function sendKnownError(response: Response, error: unknown): boolean {
  if (error instanceof PlannedBurnNotFoundError) {
    sendError(response, 404, "not_found", error.message);
    return true;
  }
  if (error instanceof PlannedBurnConflictError) {
    sendError(response, 409, "conflict", error.message);
    return true;
  }
  return false;
}

/**
 * Planned burns over HTTP: `POST /api/planned-burns`, `GET /api/planned-burns[?all=true]` and
 * `POST /api/planned-burns/:id/end`. Writes need the bearer token BUDGETGATE_ADMIN_TOKEN.
 */
export function plannedBurnsRouter(service: BudgetService): Router {
  const router = Router();
  const token = service.config.adminToken;

  router.get("/api/planned-burns", optionalAdminToken(token), async (request, response) => {
    const burns = await listPlannedBurns(service.db, { all: request.query.all === "true" });
    const now = new Date();
    response.json({ planned_burns: burns.map((burn) => toJson(burn, now)) });
  });

  router.post("/api/planned-burns", requireAdminToken(token), async (request, response) => {
    const parsed = plannedBurnRequestSchema.safeParse(request.body);
    if (!parsed.success) {
      sendError(response, 400, "invalid_parameter", parsed.error.issues.map((issue) => issue.message).join("; "));
      return;
    }
    try {
      const burn = await addPlannedBurn(service.db, parsed.data, { maxBackdateHours: service.config.plannedBurnMaxBackdateHours });
      logger.info({ plannedBurnId: burn.id, vertical: burn.vertical, tenantId: burn.tenantId, budgets: burn.budgets, author: burn.author }, "planned burn added");
      response.status(201).json(toJson(burn, new Date()));
    } catch (error) {
      if (!sendKnownError(response, error)) {
        throw error;
      }
    }
  });

  router.post("/api/planned-burns/:id/end", requireAdminToken(token), async (request, response) => {
    const id = Number(request.params.id);
    if (!Number.isSafeInteger(id) || id <= 0) {
      sendError(response, 400, "invalid_parameter", `planned burn id must be a positive integer (got ${JSON.stringify(request.params.id)})`);
      return;
    }
    try {
      const burn = await endPlannedBurn(service.db, id);
      logger.info({ plannedBurnId: burn.id, vertical: burn.vertical }, "planned burn ended");
      response.json(toJson(burn, new Date()));
    } catch (error) {
      if (!sendKnownError(response, error)) {
        throw error;
      }
    }
  });
  return router;
}
