/** Express middleware that requires an API key and checks its scope. */
import type { Request, RequestHandler, Response } from "express";
import type { Queryable } from "../db/database.ts";
import { logger } from "../log.ts";
import { sendError } from "../server/errors.ts";
import { authenticate, bearerCredential, type Principal } from "./authenticate.ts";
import { formatScope, keyIdOf } from "./keys.ts";

export const REALM = "budgetgate";

/** Returns the principal that requireApiKey stored on the response. */
export function principalOf(response: Response): Principal {
  const principal = response.locals.principal as Principal | undefined;
  if (principal === undefined) {
    throw new Error("no principal on the response; mount requireApiKey before this handler");
  }
  return principal;
}

/** Sends 401 as RFC 6750 section 3.1 describes, with `error="invalid_token"` only when a credential was sent. */
export function rejectUnauthenticated(request: Request, response: Response, presented: string | null): void {
  // The key id is public (it names the row), so logging it helps find a revoked key; the key itself is never logged.
  logger.warn(
    { method: request.method, path: request.path, credentialSent: presented !== null, keyId: presented === null ? null : keyIdOf(presented) },
    "request without a valid API key rejected",
  );
  const challenge = presented === null ? `Bearer realm="${REALM}"` : `Bearer realm="${REALM}", error="invalid_token"`;
  response.set("WWW-Authenticate", challenge);
  const message =
    presented === null
      ? "missing API key: send Authorization: Bearer <API key>; an operator creates keys with budgetgate api-key create"
      : "invalid or revoked API key";
  sendError(response, 401, "unauthorized", message);
}

/** Sends 403 with `error="insufficient_scope"` for a valid key whose scope does not cover the request. */
export function rejectForbidden(request: Request, response: Response, principal: Principal, needed: string): void {
  logger.warn({ method: request.method, path: request.path, keyId: principal.keyId, scope: formatScope(principal.scope) }, "API key scope rejected");
  response.set("WWW-Authenticate", `Bearer realm="${REALM}", error="insufficient_scope"`);
  sendError(response, 403, "forbidden", `this API key has scope ${formatScope(principal.scope)}, which does not allow ${needed}`);
}

/**
 * Requires `Authorization: Bearer <API key>` and stores the principal for principalOf. A missing,
 * unknown or revoked key gets 401 with a WWW-Authenticate challenge.
 */
export function requireApiKey(db: Queryable, adminToken: string | undefined): RequestHandler {
  return async (request, response, next) => {
    const presented = bearerCredential(request.get("authorization"));
    const principal = presented === null ? null : await authenticate(db, presented, adminToken);
    if (principal === null) {
      rejectUnauthenticated(request, response, presented);
      return;
    }
    response.locals.principal = principal;
    next();
  };
}
