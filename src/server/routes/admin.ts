import express, { Router, type Response } from "express";
import { z } from "zod";
import { isSameOrigin, LOGIN_PATH, requestIsHttps, requireAdminPage, sessionPrincipal, type AdminAuthOptions } from "../../admin/auth.ts";
import { ADMIN_PAGE_HEADERS, renderLoginPage } from "../../admin/layout.ts";
import { loadSrePageData } from "../../admin/page-data.ts";
import { budgetAnchor, renderSrePage } from "../../admin/sre-page.ts";
import { sessionCookieHeader, sessionSecretFrom, signSession, type SessionSecret } from "../../admin/session.ts";
import { authenticate } from "../../apikeys/authenticate.ts";
import { formatScope, keyIdOf, tenantIdSchema } from "../../apikeys/keys.ts";
import { logger } from "../../log.ts";
import type { BudgetService } from "../../service/service.ts";
import { sendError } from "../errors.ts";

export const SRE_PATH = "/admin/sre";

const loginSchema = z.object({ key: z.string().trim().min(1).max(200) });

function sendPage(response: Response, status: number, page: string): void {
  response.status(status).set(ADMIN_PAGE_HEADERS).type("html").send(page);
}

export interface AdminRouterOptions {
  /** Default: BUDGETGATE_SESSION_SECRET, else a random secret per process. */
  sessionSecret?: SessionSecret;
}

/**
 * Serves the admin pages: GET /admin/sre with budgets, planned burns and decisions, the login form
 * at /admin/login, which takes an admin API key and starts a session, and POST /admin/logout.
 * GET /admin/budgets/:vertical/:budget[?tenant=] redirects to the budget's row, because escalation
 * messages link there.
 */
export function adminRouter(service: BudgetService, options: AdminRouterOptions = {}): Router {
  const secret = options.sessionSecret ?? sessionSecretFrom();
  if (secret.source === "random") {
    logger.warn("BUDGETGATE_SESSION_SECRET is not set; admin sessions use a random secret and end when this process restarts");
  }
  const auth: AdminAuthOptions = { db: service.db, secret, adminToken: service.config.adminToken };
  const requireAdmin = requireAdminPage(auth);
  const router = Router();

  router.get("/admin", (_request, response) => response.redirect(303, SRE_PATH));

  router.get(LOGIN_PATH, async (request, response) => {
    if ((await sessionPrincipal(request, auth)) !== null) {
      response.redirect(303, SRE_PATH);
      return;
    }
    sendPage(response, 200, renderLoginPage(null));
  });

  router.post(LOGIN_PATH, express.urlencoded({ extended: false, limit: "4kb" }), async (request, response) => {
    if (!isSameOrigin(request)) {
      sendError(response, 403, "forbidden", "cross-site form submission rejected; sign in from the budgetgate login page");
      return;
    }
    const parsed = loginSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      sendPage(response, 400, renderLoginPage("Enter an admin API key."));
      return;
    }
    const principal = await authenticate(service.db, parsed.data.key, undefined);
    if (principal === null || principal.keyId === null) {
      logger.warn({ keyId: keyIdOf(parsed.data.key) }, "admin login rejected: invalid or revoked API key");
      sendPage(response, 401, renderLoginPage("Invalid or revoked API key. Sign in with an admin API key from budgetgate api-key create --scope admin."));
      return;
    }
    if (principal.scope.kind !== "admin") {
      logger.warn({ keyId: principal.keyId, scope: formatScope(principal.scope) }, "admin login rejected: not an admin key");
      sendPage(response, 403, renderLoginPage(`This key has scope ${formatScope(principal.scope)}; the SRE page needs an admin key.`));
      return;
    }
    logger.info({ keyId: principal.keyId }, "admin session started");
    response.set("Set-Cookie", sessionCookieHeader(signSession(secret.key, principal.keyId), requestIsHttps(request)));
    response.redirect(303, SRE_PATH);
  });

  router.post("/admin/logout", (request, response) => {
    if (!isSameOrigin(request)) {
      sendError(response, 403, "forbidden", "cross-site form submission rejected");
      return;
    }
    response.set("Set-Cookie", sessionCookieHeader(null, requestIsHttps(request)));
    response.redirect(303, LOGIN_PATH);
  });

  router.get(SRE_PATH, requireAdmin, async (_request, response) => {
    const data = await loadSrePageData(service.db, service.config.thresholds);
    sendPage(response, 200, renderSrePage(data, service.config.thresholds, service.data?.revision ?? null));
  });

  router.get("/admin/budgets/:vertical/:budget", requireAdmin, (request, response) => {
    const tenant = typeof request.query.tenant === "string" && request.query.tenant !== "" ? request.query.tenant : null;
    if (tenant !== null && !tenantIdSchema.safeParse(tenant).success) {
      sendError(response, 400, "invalid_parameter", `invalid tenant id ${JSON.stringify(tenant)}`);
      return;
    }
    response.redirect(303, `${SRE_PATH}#${budgetAnchor(String(request.params.vertical), tenant, String(request.params.budget))}`);
  });

  return router;
}
