/** Authentication of the admin pages: a session cookie from the login form, or an admin API key. */
import type { Request, RequestHandler, Response } from "express";
import { authenticate, bearerCredential, principalOfKeyId, type Principal } from "../apikeys/authenticate.ts";
import { rejectForbidden, rejectUnauthenticated } from "../apikeys/http.ts";
import type { Queryable } from "../db/database.ts";
import { logger } from "../log.ts";
import { readCookie, SESSION_COOKIE, sessionCookieHeader, verifySession, type SessionSecret } from "./session.ts";

export const LOGIN_PATH = "/admin/login";

export interface AdminAuthOptions {
  db: Queryable;
  secret: SessionSecret;
  /** BUDGETGATE_ADMIN_TOKEN; accepted as a bearer credential, but not by the login form. */
  adminToken: string | undefined;
}

/**
 * Returns whether the request came over HTTPS, directly or through a proxy that sets X-Forwarded-Proto.
 * Trusting the header is safe here because it only adds the Secure flag: a forged header makes
 * the browser withhold the cookie over plain HTTP, which harms only the forger.
 */
export function requestIsHttps(request: Request): boolean {
  return request.secure || request.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
}

/**
 * Returns whether a form POST comes from a page of this origin. Browsers send Sec-Fetch-Site or Origin with
 * every POST, so a cross-site form is recognised even before SameSite=Strict withholds the cookie.
 * A request with neither header (curl, scripts) is no cross-site browser request and passes.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.get("sec-fetch-site");
  if (site !== undefined) {
    return site === "same-origin" || site === "none";
  }
  const origin = request.get("origin");
  if (origin === undefined) {
    return true;
  }
  try {
    return new URL(origin).host === request.get("host");
  } catch {
    return false;
  }
}

/** Returns the admin principal of a valid session cookie, or null. */
export async function sessionPrincipal(request: Request, options: AdminAuthOptions): Promise<Principal | null> {
  const cookie = readCookie(request.get("cookie"), SESSION_COOKIE);
  const keyId = cookie === undefined ? null : verifySession(options.secret.key, cookie);
  if (keyId === null) {
    return null;
  }
  const principal = await principalOfKeyId(options.db, keyId);
  return principal !== null && principal.scope.kind === "admin" ? principal : null;
}

function redirectToLogin(request: Request, response: Response): void {
  if (readCookie(request.get("cookie"), SESSION_COOKIE) !== undefined) {
    // The cookie was expired, forged or belongs to a revoked key, so the browser may drop it.
    logger.info({ path: request.path }, "admin session rejected; redirecting to the login form");
    response.set("Set-Cookie", sessionCookieHeader(null, requestIsHttps(request)));
  }
  response.redirect(303, LOGIN_PATH);
}

/**
 * Requires an admin. A request with an Authorization header needs an admin API key and gets 401 or
 * 403 otherwise, as on the API. A request without one needs a valid session cookie and is
 * redirected to the login form otherwise.
 */
export function requireAdminPage(options: AdminAuthOptions): RequestHandler {
  return async (request, response, next) => {
    if (request.get("authorization") !== undefined) {
      const presented = bearerCredential(request.get("authorization"));
      const principal = presented === null ? null : await authenticate(options.db, presented, options.adminToken);
      if (principal === null) {
        rejectUnauthenticated(request, response, presented);
        return;
      }
      if (principal.scope.kind !== "admin") {
        rejectForbidden(request, response, principal, "the admin pages");
        return;
      }
      next();
      return;
    }
    if ((await sessionPrincipal(request, options)) === null) {
      redirectToLogin(request, response);
      return;
    }
    next();
  };
}
