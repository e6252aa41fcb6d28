import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/apikeys/repository.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { postJson, startTestService, type RunningService } from "../helpers/service.ts";

const DECISION_PATH = "/v1/data/budgetgate/decision";

/** Healthcare calls of the last day: 1000 connected, 40 of them failed conversations (quality SLI 0.96). */
async function seedCalls(test: TestDatabase): Promise<void> {
  const [clock] = await test.db.query<{ now: Date }>("select now() as now");
  const now = clock!.now;
  const calls = Array.from({ length: 1000 }, (_, index) =>
    buildCall({ createdAt: hoursFrom(now, -1 - index / 100), ok: index >= 40, costUsd: 0.1 }),
  );
  // Baseline calls for the cost budget, 10 days back.
  calls.push(...Array.from({ length: 100 }, (_, index) => buildCall({ createdAt: hoursFrom(now, -240 - index / 10), costUsd: 0.1 })));
  await insertCalls(test.db, calls);
}

describe("POST /v1/data/budgetgate/decision", () => {
  let test: TestDatabase;
  let running: RunningService;

  beforeAll(async () => {
    test = await createTestPostgres();
    await seedCalls(test);
    running = await startTestService(test.db);
  });

  afterAll(async () => {
    await running.stop();
    await test.drop();
  });

  it("denies prompt deploy naming quality", async () => {
    const { status, body } = await postJson(`${running.baseUrl}${DECISION_PATH}`, {
      input: { deploy: { type: "prompt", vertical: "healthcare", service: "voice-agent" } },
    });
    expect(status).toBe(200);
    expect(body.result.allow).toBe(false);
    expect(body.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    const [violation] = body.result.violations;
    expect(violation.budget).toBe("quality");
    expect(violation.remaining).toBeCloseTo((0.96 - 0.95) / 0.05, 9);
    // The failed calls are about an hour old, so they leave the 7-day window in about 167 hours.
    expect(violation.message).toBe(
      "quality budget of healthcare has 20.0% remaining, below the 25.0% required for prompt deploys. If no new errors arrive, it climbs back above 25.0% in about 7.0 days as old errors leave the window",
    );
    expect(body.result.revision).toBe(running.service.data?.revision);
  });

  it("allows platform deploy", async () => {
    const { body } = await postJson(`${running.baseUrl}${DECISION_PATH}`, {
      input: { deploy: { type: "platform", vertical: "healthcare" } },
    });
    expect(body.result.allow).toBe(true);
    expect(body.result.required_budgets).toEqual(["availability", "latency", "stall"]);
  });

  it("records decisions with revision", async () => {
    const { body } = await postJson(`${running.baseUrl}${DECISION_PATH}`, {
      input: { deploy: { type: "finance", vertical: "healthcare" } },
    });
    await running.service.decisionLog.flush();
    const rows = await test.db.query<{ revision: string; allowed: boolean; source: string }>(
      "select revision, allowed, source from decision_log where decision_id = $1",
      [body.decision_id],
    );
    expect(rows).toEqual([{ revision: body.result.revision, allowed: body.result.allow, source: "api" }]);
  });

  it.each([
    { case: "missing input", body: { deploy: {} } },
    { case: "input not an object", body: { input: "prompt" } },
    { case: "array body", body: [1, 2] },
  ])("rejects $case with 400", async ({ body }) => {
    const response = await postJson(`${running.baseUrl}${DECISION_PATH}`, body);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("invalid_parameter");
    expect(response.body.message).toContain('"input" object');
  });

  it("answers alike through Express", async () => {
    const input = { deploy: { type: "platform", vertical: "healthcare" } };
    const fast = await postJson(`${running.baseUrl}${DECISION_PATH}`, { input });
    // A query string sends the request through the Express route instead of the fast path.
    const routed = await postJson(`${running.baseUrl}${DECISION_PATH}?explain=off`, { input });
    expect(routed.status).toBe(200);
    expect(routed.body.result).toEqual(fast.body.result);
    expect(routed.body.decision_id).not.toBe(fast.body.decision_id);
  });

  it("rejects malformed JSON", async () => {
    const response = await postJson(`${running.baseUrl}${DECISION_PATH}`, "{not json");
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/not valid JSON/);
  });

  it("rejects oversized body with 413", async () => {
    const response = await postJson(`${running.baseUrl}${DECISION_PATH}`, { input: { padding: "x".repeat(2 * 1024 * 1024) } });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe("request_too_large");
  });
});

describe("GET /api/budgets and /healthz", () => {
  let test: TestDatabase;
  let running: RunningService;

  beforeAll(async () => {
    test = await createTestPostgres();
    await seedCalls(test);
    running = await startTestService(test.db);
  });

  afterAll(async () => {
    await running.stop();
    await test.drop();
  });

  it("lists budgets of newest run", async () => {
    const { key } = await createApiKey(test.db, { kind: "admin" });
    const response = await fetch(`${running.baseUrl}/api/budgets`, { headers: { authorization: `Bearer ${key}` } });
    const body: any = await response.json();
    expect(response.status).toBe(200);
    expect(body.budgets).toHaveLength(5);
    const quality = body.budgets.find((budget: { name: string }) => budget.name === "quality");
    expect(quality.vertical).toBe("healthcare");
    expect(quality.remaining).toBeCloseTo(0.2, 9);
  });

  it("rejects budgets without a key", async () => {
    const response = await fetch(`${running.baseUrl}/api/budgets`);
    expect(response.status).toBe(401);
  });

  it("reports health with revision", async () => {
    const response = await fetch(`${running.baseUrl}/healthz`);
    const body: any = await response.json();
    expect(response.status).toBe(200);
    expect(body.status).toBe("ok");
    expect(body.database).toBe("ok");
    expect(body.revision).toBe(running.service.data?.revision);
  });
});
