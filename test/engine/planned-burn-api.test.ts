import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { runCli } from "../helpers/cli.ts";
import { startTestService, type RunningService } from "../helpers/service.ts";

const TOKEN = "test-admin-token-0123456789abcdef";

async function request(
  service: RunningService,
  method: "GET" | "POST",
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }
  const response = await fetch(`${service.baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

describe("planned burn API", () => {
  let test: TestDatabase;
  let service: RunningService;
  let open: RunningService;
  let now: Date;
  const hoursFromNow = (hours: number) => new Date(now.getTime() + hours * 3_600_000).toISOString();
  const burn = (overrides: Record<string, unknown> = {}) => ({
    vertical: "healthcare",
    budgets: ["quality"],
    starts_at: hoursFromNow(1),
    ends_at: hoursFromNow(3),
    reason: "load test of the new prompt",
    author: "alice",
    ...overrides,
  });

  beforeAll(async () => {
    test = await createTestPostgres();
    service = await startTestService(test.db, { BUDGETGATE_ADMIN_TOKEN: TOKEN });
    open = await startTestService(test.db);
    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    now = clock!.now;
  });

  afterAll(async () => {
    await service.stop();
    await open.stop();
    await test.drop();
  });

  it("answers 503 without configured token", async () => {
    const response = await request(open, "POST", "/api/planned-burns", { body: burn(), token: TOKEN });
    expect(response.status).toBe(503);
    expect(response.body.message).toContain("BUDGETGATE_ADMIN_TOKEN is not set");
    expect((await request(open, "POST", "/api/planned-burns/1/end", { token: TOKEN })).status).toBe(503);
    expect((await request(open, "GET", "/api/planned-burns")).status).toBe(200);
  });

  it.each([
    { case: "missing token", token: undefined },
    { case: "wrong token", token: "not-the-token" },
    { case: "token prefix", token: TOKEN.slice(0, -1) },
  ])("answers 401 for $case", async ({ token }) => {
    const response = await request(service, "POST", "/api/planned-burns", { body: burn(), ...(token === undefined ? {} : { token }) });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="budgetgate"');
    expect(JSON.stringify(response.body)).not.toContain(TOKEN);
    expect((await request(service, "GET", "/api/planned-burns", token === undefined ? {} : { token })).status).toBe(401);
  });

  it("adds, lists and ends a burn", async () => {
    const added = await request(service, "POST", "/api/planned-burns", { body: burn(), token: TOKEN });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ vertical: "healthcare", tenant_id: null, budgets: ["quality"], state: "upcoming", author: "alice", ended_at: null });

    const listed = await request(service, "GET", "/api/planned-burns", { token: TOKEN });
    expect(listed.body.planned_burns.map((item: { id: number }) => item.id)).toContain(added.body.id);

    const ended = await request(service, "POST", `/api/planned-burns/${added.body.id}/end`, { token: TOKEN });
    expect(ended.status).toBe(200);
    expect(ended.body.state).toBe("ended");
    expect(ended.body.ended_at).not.toBeNull();

    const again = await request(service, "POST", `/api/planned-burns/${added.body.id}/end`, { token: TOKEN });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`planned burn ${added.body.id} was already ended`);

    const active = await request(service, "GET", "/api/planned-burns", { token: TOKEN });
    expect(active.body.planned_burns.map((item: { id: number }) => item.id)).not.toContain(added.body.id);
    const all = await request(service, "GET", "/api/planned-burns?all=true", { token: TOKEN });
    expect(all.body.planned_burns.map((item: { id: number }) => item.id)).toContain(added.body.id);
  });

  it("rejects overlapping burns", async () => {
    const first = await request(service, "POST", "/api/planned-burns", { body: burn({ vertical: "salon", starts_at: hoursFromNow(10), ends_at: hoursFromNow(12) }), token: TOKEN });
    expect(first.status).toBe(201);

    const same = await request(service, "POST", "/api/planned-burns", {
      body: burn({ vertical: "salon", budgets: ["quality", "latency"], starts_at: hoursFromNow(11), ends_at: hoursFromNow(13) }),
      token: TOKEN,
    });
    expect(same.status).toBe(409);
    expect(same.body.message).toContain(`overlaps planned burn ${first.body.id} (salon, budgets quality`);

    const tenant = await request(service, "POST", "/api/planned-burns", {
      body: burn({ vertical: "salon", tenant_id: "s1", starts_at: hoursFromNow(9), ends_at: hoursFromNow(11) }),
      token: TOKEN,
    });
    expect(tenant.status).toBe(409);

    const otherBudget = await request(service, "POST", "/api/planned-burns", {
      body: burn({ vertical: "salon", budgets: ["latency"], starts_at: hoursFromNow(11), ends_at: hoursFromNow(13) }),
      token: TOKEN,
    });
    expect(otherBudget.status).toBe(201);

    const adjacent = await request(service, "POST", "/api/planned-burns", {
      body: burn({ vertical: "salon", starts_at: hoursFromNow(12), ends_at: hoursFromNow(14) }),
      token: TOKEN,
    });
    expect(adjacent.status).toBe(201);
  });

  it.each([
    { case: "back-dated 25 h", body: { starts_at: -25, ends_at: 1 }, message: "is more than 24 hours in the past" },
    { case: "end before start", body: { starts_at: 3, ends_at: 2 }, message: "must be after starts_at" },
    { case: "unknown budget", body: { budgets: ["speed"] }, message: "unknown budget speed; known budgets are availability, cost, latency, quality, stall" },
    { case: "empty reason", body: { reason: " " }, message: "reason must not be empty" },
    { case: "no budgets", body: { budgets: [] }, message: "budgets must name at least one budget" },
  ])("rejects $case", async ({ body, message }) => {
    const times: Record<string, string> = {};
    for (const key of ["starts_at", "ends_at"] as const) {
      const value = (body as Record<string, unknown>)[key];
      if (typeof value === "number") {
        times[key] = hoursFromNow(value);
      }
    }
    const response = await request(service, "POST", "/api/planned-burns", { body: burn({ vertical: "dental", ...body, ...times }), token: TOKEN });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain(message);
  });

  it("accepts back-dating within limit", async () => {
    const response = await request(service, "POST", "/api/planned-burns", {
      body: burn({ vertical: "dental", starts_at: hoursFromNow(-23), ends_at: hoursFromNow(-22) }),
      token: TOKEN,
    });
    expect(response.status).toBe(201);
    expect(response.body.state).toBe("finished");
  });

  it("answers 404 for unknown burn", async () => {
    const response = await request(service, "POST", "/api/planned-burns/999999/end", { token: TOKEN });
    expect(response.status).toBe(404);
  });

  it("works from the command line", async () => {
    const env = { DATABASE_URL: test.url! };
    const added = await runCli(
      ["planned-burn", "add", "--vertical", "real_estate", "--tenant", "re-1", "--budget", "availability,stall",
        "--start", hoursFromNow(2), "--end", hoursFromNow(4), "--reason", "failover drill", "--author", "bob"],
      { env },
    );
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const id = /added planned burn (\d+)/.exec(added.stdout)?.[1];
    expect(id).toBeDefined();

    const listed = await runCli(["planned-burn", "list"], { env });
    expect(listed.stdout).toMatch(new RegExp(`^${id}\\s+upcoming\\s+real_estate/re-1\\s+availability,stall\\s`, "m"));

    // Ending over HTTP, where the CLI's record now shows up.
    const ended = await request(service, "POST", `/api/planned-burns/${id}/end`, { token: TOKEN });
    expect(ended.body).toMatchObject({ author: "bob", reason: "failover drill", tenant_id: "re-1", state: "ended" });
  });
});
