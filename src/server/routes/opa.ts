import express, { Router, type Response } from "express";
import { z } from "zod";
import { parseIfNoneMatch, parsePrefer } from "../../bundle/prefer.ts";
import type { BuiltBundle, BundleStore } from "../../bundle/store.ts";
import type { Queryable } from "../../db/database.ts";
import { describeError } from "../../errors.ts";
import { logger } from "../../log.ts";
import { requireBearer } from "../bearer.ts";
import { sendError } from "../errors.ts";

/** Content type that signals long-polling support to OPA; with any other type OPA falls back to regular polling. */
export const LONG_POLL_CONTENT_TYPE = "application/vnd.openpolicyagent.bundles";

export interface OpaRouterOptions {
  store: BundleStore;
  db: Queryable;
  /** Name under /bundles/ that serves the bundle. */
  bundleName: string;
  /** Bearer token OPA sidecars present; undefined allows anonymous access. */
  token: string | undefined;
  /** Maximum long-poll wait, in seconds. */
  maxWaitSeconds: number;
  /** Maximum size of a status report or decision-log batch after decompression, in bytes. */
  reportLimitBytes: number;
}

function sendBundle(response: Response, bundle: BuiltBundle, longPoll: boolean): void {
  response.set({
    "Content-Type": longPoll ? LONG_POLL_CONTENT_TYPE : "application/gzip",
    ETag: `"${bundle.revision}"`,
    "Cache-Control": "no-cache",
  });
  response.status(200).end(bundle.archive);
}

function sendNotModified(response: Response, bundle: BuiltBundle): void {
  response.set({ ETag: `"${bundle.revision}"`, "Cache-Control": "no-cache" });
  response.status(304).end();
}

const decisionEventSchema = z.looseObject({
  decision_id: z.string().optional(),
  path: z.string().optional(),
  labels: z.looseObject({ id: z.string().optional() }).optional(),
});

const statusSchema = z.looseObject({ labels: z.looseObject({ id: z.string().optional() }).optional() });

/**
 * Serves the endpoints OPA sidecars use: bundle download with ETag and long polling, status reports and
 * gzip decision logs. Reports get a 2xx status only after their rows are committed.
 */
export function opaRouter(options: OpaRouterOptions): Router {
  const router = Router();
  const auth = requireBearer(options.token, "budgetgate bundles");
  const reportBody = express.json({ limit: options.reportLimitBytes, inflate: true, type: () => true });

  router.get("/bundles/:name", auth, async (request, response) => {
    if (request.params.name !== options.bundleName) {
      sendError(response, 404, "not_found", `no bundle named "${request.params.name}"; this service serves "${options.bundleName}"`);
      return;
    }
    const bundle = options.store.current;
    if (bundle === null) {
      sendError(response, 503, "bundle_unavailable", "no bundle has been built yet; budgets have not been computed");
      return;
    }
    const preference = parsePrefer(request.get("prefer"));
    const longPoll = preference.waitSeconds !== null;
    const known = parseIfNoneMatch(request.get("if-none-match"));
    if (!known.includes(bundle.revision)) {
      sendBundle(response, bundle, longPoll);
      return;
    }
    if (!longPoll || preference.waitSeconds === 0) {
      sendNotModified(response, bundle);
      return;
    }

    const waitMs = Math.min(preference.waitSeconds ?? 0, options.maxWaitSeconds) * 1000;
    const closed = new AbortController();
    response.on("close", () => closed.abort());
    const next = await options.store.waitForChange(bundle.revision, waitMs, closed.signal);
    if (closed.signal.aborted) {
      return;
    }
    if (next === null) {
      sendNotModified(response, bundle);
      return;
    }
    sendBundle(response, next, true);
  });

  router.post("/status", auth, reportBody, async (request, response) => {
    const parsed = statusSchema.safeParse(request.body);
    if (!parsed.success) {
      sendError(response, 400, "invalid_parameter", "status report must be a JSON object");
      return;
    }
    try {
      await options.db.query("insert into opa_status_reports (instance_id, payload) values ($1, $2::jsonb)", [
        parsed.data.labels?.id ?? null,
        JSON.stringify(parsed.data),
      ]);
    } catch (error) {
      logger.error({ err: error, reason: describeError(error) }, "could not store OPA status report");
      sendError(response, 503, "storage_unavailable", "could not store the status report; retry later");
      return;
    }
    response.status(200).json({});
  });

  router.post("/logs", auth, reportBody, async (request, response) => {
    const parsed = z.array(decisionEventSchema).safeParse(request.body);
    if (!parsed.success) {
      sendError(response, 400, "invalid_parameter", "decision logs must be a JSON array of decision events");
      return;
    }
    const events = parsed.data;
    try {
      await options.db.query(
        `insert into opa_decision_logs (decision_id, instance_id, path, payload)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
        [
          events.map((event) => event.decision_id ?? null),
          events.map((event) => event.labels?.id ?? null),
          events.map((event) => event.path ?? null),
          events.map((event) => JSON.stringify(event)),
        ],
      );
    } catch (error) {
      logger.error({ err: error, events: events.length, reason: describeError(error) }, "could not store OPA decision logs");
      sendError(response, 503, "storage_unavailable", "could not store the decision logs; retry later");
      return;
    }
    response.status(204).end();
  });

  return router;
}
