import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCalls } from "../../src/db/calls.ts";
import { LONG_POLL_CONTENT_TYPE } from "../../src/server/routes/opa.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { startTestService, type RunningService } from "../helpers/service.ts";

const TOKEN = "bundle-route-token-0123456789";
const AUTH = { authorization: `Bearer ${TOKEN}` };

async function addFailedCalls(test: TestDatabase, count: number): Promise<void> {
  const [clock] = await test.db.query<{ now: Date }>("select now() as now");
  await insertCalls(
    test.db,
    Array.from({ length: count }, (_, index) => buildCall({ createdAt: hoursFrom(clock!.now, -1 - index / 1000), ok: index % 2 === 0 })),
  );
}

describe("bundle routes", () => {
  let test: TestDatabase;
  let running: RunningService;
  let bundleUrl: string;

  beforeAll(async () => {
    test = await createTestPostgres();
    await addFailedCalls(test, 100);
    running = await startTestService(test.db, { BUDGETGATE_BUNDLE_TOKEN: TOKEN, BUDGETGATE_LONG_POLL_MAX_SECONDS: "5" });
    bundleUrl = `${running.baseUrl}/bundles/budgetgate`;
  });

  afterAll(async () => {
    await running.stop();
    await test.drop();
  });

  describe("GET /bundles/:name", () => {
    it("serves gzip with revision ETag", async () => {
      const response = await fetch(bundleUrl, { headers: AUTH });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/gzip");
      expect(response.headers.get("etag")).toBe(`"${running.service.data?.revision}"`);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    });

    it("answers 304 for current ETag", async () => {
      const etag = `"${running.service.data?.revision}"`;
      const response = await fetch(bundleUrl, { headers: { ...AUTH, "if-none-match": etag } });
      expect(response.status).toBe(304);
      expect(response.headers.get("etag")).toBe(etag);
    });

    it("serves full bundle for empty If-None-Match", async () => {
      const response = await fetch(bundleUrl, { headers: { ...AUTH, "if-none-match": "" } });
      expect(response.status).toBe(200);
    });

    it("serves full bundle for stale ETag", async () => {
      const response = await fetch(bundleUrl, { headers: { ...AUTH, "if-none-match": '"old-revision"' } });
      expect(response.status).toBe(200);
    });

    it("answers long poll with vendor type", async () => {
      const response = await fetch(bundleUrl, { headers: { ...AUTH, prefer: "modes=snapshot,delta;wait=10" } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(LONG_POLL_CONTENT_TYPE);
    });

    it("holds long poll until timeout then 304", async () => {
      const etag = `"${running.service.data?.revision}"`;
      const started = Date.now();
      const response = await fetch(bundleUrl, { headers: { ...AUTH, "if-none-match": etag, prefer: "modes=snapshot;wait=1" } });
      expect(response.status).toBe(304);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    it("releases long poll on new revision", async () => {
      const previous = running.service.data!.revision;
      const pending = fetch(bundleUrl, { headers: { ...AUTH, "if-none-match": `"${previous}"`, prefer: "modes=snapshot,delta;wait=5" } });
      await addFailedCalls(test, 50);
      await running.service.tick();
      const response = await pending;
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe(LONG_POLL_CONTENT_TYPE);
      expect(response.headers.get("etag")).toBe(`"${running.service.data?.revision}"`);
      expect(running.service.data?.revision).not.toBe(previous);
    });

    it.each([
      { case: "no token", headers: {} as Record<string, string> },
      { case: "wrong token", headers: { authorization: "Bearer wrong-token-0123456789" } },
    ])("rejects $case with 401", async ({ headers }) => {
      const response = await fetch(bundleUrl, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer /);
    });

    it("answers 404 for unknown bundle", async () => {
      const response = await fetch(`${running.baseUrl}/bundles/other`, { headers: AUTH });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { message: string }).message).toContain('serves "budgetgate"');
    });
  });

  describe("POST /logs and /status", () => {
    it("stores gzip decision logs", async () => {
      const events = [{ decision_id: "d-1", path: "budgetgate/decision", labels: { id: "opa-1" }, result: { allow: true } }];
      const response = await fetch(`${running.baseUrl}/logs`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json", "content-encoding": "gzip" },
        body: gzipSync(JSON.stringify(events)),
      });
      expect(response.status).toBe(204);
      const rows = await test.db.query<{ instance_id: string; path: string }>(
        "select instance_id, path from opa_decision_logs where decision_id = 'd-1'",
      );
      expect(rows).toEqual([{ instance_id: "opa-1", path: "budgetgate/decision" }]);
    });

    it("stores status reports", async () => {
      const response = await fetch(`${running.baseUrl}/status`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ labels: { id: "opa-2" }, bundles: { budgetgate: { active_revision: "r" } } }),
      });
      expect(response.status).toBe(200);
      const rows = await test.db.query("select 1 from opa_status_reports where instance_id = 'opa-2'");
      expect(rows).toHaveLength(1);
    });

    it("rejects non-array logs with 400", async () => {
      const response = await fetch(`${running.baseUrl}/logs`, {
        method: "POST",
        headers: { ...AUTH, "content-type": "application/json" },
        body: JSON.stringify({ not: "an array" }),
      });
      expect(response.status).toBe(400);
    });
  });

  describe("when the database fails", () => {
    it("keeps serving last bundle", async () => {
      const revision = running.service.data!.revision;
      await test.db.query("alter view error_budgets_latest rename to error_budgets_latest_away");
      try {
        await addFailedCalls(test, 10);
        await expect(running.service.refreshData()).rejects.toThrow(/error_budgets_latest/);
        await running.service.tick();
        const response = await fetch(bundleUrl, { headers: AUTH });
        expect(response.status).toBe(200);
        expect(response.headers.get("etag")).toBe(`"${revision}"`);
        const metrics = await (await fetch(`${running.baseUrl}/metrics`)).text();
        expect(metrics).toMatch(/^budgetgate_budget_refresh_failures_total [1-9]/m);
        expect(metrics).toMatch(/^budgetgate_bundle_revision_age_seconds \d/m);
      } finally {
        await test.db.query("alter view error_budgets_latest_away rename to error_budgets_latest");
      }
    });
  });
});
