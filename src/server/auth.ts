import type { Request, RequestHandler, Response } from "express";
import { logger } from "../log.ts";
import { hasBearerToken as hasToken } from "./bearer.ts";
import { sendError } from "./errors.ts";

function rejectUnauthorized(request: Request, response: Response): void {
  logger.warn({ method: request.method, path: request.path, hasHeader: request.get("authorization") !== undefined }, "admin request rejected");
  response.set("WWW-Authenticate", 'Bearer realm="budgetgate"');
  sendError(response, 401, "unauthorized", "missing or invalid bearer token: send Authorization: Bearer <the value of BUDGETGATE_ADMIN_TOKEN>");
}

/**
 * Guards a write route with the admin token. Without a token configured the route returns 503,
 * so an unconfigured service never accepts changes. A missing or wrong token gets 401.
 */
export function requireAdminToken(token: string | undefined): RequestHandler {
  return (request, response, next) => {
    if (token === undefined) {
      sendError(
        response,
        503,
        "admin_token_not_set",
        "this route is disabled because BUDGETGATE_ADMIN_TOKEN is not set; set it to a long random secret and restart the service",
      );
      return;
    }
    if (!hasToken(request, token)) {
      rejectUnauthorized(request, response);
      return;
    }
    next();
  };
}

/** Guards a read route: requires the admin token when one is configured, and is open otherwise. */
export function optionalAdminToken(token: string | undefined): RequestHandler {
  return (request, response, next) => {
    if (token !== undefined && !hasToken(request, token)) {
      rejectUnauthorized(request, response);
      return;
    }
    next();
  };
}
