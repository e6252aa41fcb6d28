import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../../src/apikeys/repository.ts";
import { addPlannedBurn } from "../../src/budgets/planned-burns.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { postJson, startTestService, type RunningService } from "../helpers/service.ts";

const SESSION_SECRET = "shared-session-secret-of-the-admin-route-tests";
const HOSTILE = "<script>alert(1)</script>";

function login(service: RunningService, key: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${service.baseUrl}/admin/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ key }),
  });
}

function sessionOf(response: Response): string {
  const cookie = response.headers.get("set-cookie") ?? "";
  const value = /^budgetgate_session=([^;]*)/.exec(cookie)?.[1];
  if (value === undefined || value === "") {
    throw new Error(`no session cookie in ${JSON.stringify(cookie)}`);
  }
  return `budgetgate_session=${value}`;
}

function getWithCookie(service: RunningService, path: string, cookie: string): Promise<Response> {
  return fetch(`${service.baseUrl}${path}`, { redirect: "manual", headers: { cookie } });
}

describe("admin login and session", () => {
  let test: TestDatabase;
  let service: RunningService;
  let replica: RunningService;
  let adminKey: string;

  beforeAll(async () => {
    test = await createTestPostgres();
    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    const now = clock!.now;
    await insertCalls(test.db, [
      ...Array.from({ length: 600 }, (_, index) => buildCall({ createdAt: hoursFrom(now, -1 - index / 10), ok: index % 20 !== 0 })),
      ...Array.from({ length: 100 }, (_, index) => buildCall({ vertical: HOSTILE, createdAt: hoursFrom(now, -2 - index / 10) })),
    ]);
    await addPlannedBurn(
      test.db,
      {
        vertical: "healthcare",
        tenant_id: null,
        budgets: ["quality"],
        starts_at: hoursFrom(now, 1),
        ends_at: hoursFrom(now, 2),
        reason: `drill ${HOSTILE}`,
        author: `<i>mallory</i>`,
      },
      { maxBackdateHours: 24 },
    );
    process.env.BUDGETGATE_SESSION_SECRET = SESSION_SECRET;
    service = await startTestService(test.db);
    replica = await startTestService(test.db);
    delete process.env.BUDGETGATE_SESSION_SECRET;
    await postJson(`${service.baseUrl}/v1/data/budgetgate/decision`, { input: { deploy: { type: "prompt", vertical: HOSTILE } } });
    await service.service.decisionLog.flush();
    adminKey = (await createApiKey(test.db, { kind: "admin" })).key;
  });

  afterAll(async () => {
    delete process.env.BUDGETGATE_SESSION_SECRET;
    await service?.stop();
    await replica?.stop();
    await test?.drop();
  });

  it("starts session with strict cookie", async () => {
    const response = await login(service, adminKey);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin/sre");
    const cookie = response.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^budgetgate_session=v1\.[0-9a-f]{12}\.\d+\.[A-Za-z0-9_-]{43}; Path=\/admin; HttpOnly; SameSite=Strict; Max-Age=28800$/);
    expect(cookie).not.toContain(adminKey);
  });

  it("marks cookie secure behind https proxy", async () => {
    const response = await login(service, adminKey, { "x-forwarded-proto": "https" });
    expect(response.headers.get("set-cookie")).toMatch(/; Secure$/);
  });

  it("serves page with session and security headers", async () => {
    const response = await getWithCookie(service, "/admin/sre", sessionOf(await login(service, adminKey)));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const page = await response.text();
    expect(page).toContain('data-vertical="healthcare"');
  });

  it("escapes values from database", async () => {
    const page = await (await getWithCookie(service, "/admin/sre", sessionOf(await login(service, adminKey)))).text();
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toContain("<i>mallory</i>");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("drill &lt;script&gt;");
    expect(page).toContain("&lt;i&gt;mallory&lt;/i&gt;");
    expect(page).not.toMatch(/<script/i);
  });

  it("accepts session on replica with same secret", async () => {
    const cookie = sessionOf(await login(service, adminKey));
    expect((await getWithCookie(replica, "/admin/sre", cookie)).status).toBe(200);
  });

  it.each<{ case: string; headers: Record<string, string> }>([
    { case: "foreign Origin", headers: { origin: "http://attacker.example" } },
    { case: "null Origin", headers: { origin: "null" } },
    { case: "cross-site fetch metadata", headers: { "sec-fetch-site": "cross-site" } },
  ])("rejects login with $case", async ({ headers }) => {
    const response = await login(service, adminKey, headers);
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("accepts login with own Origin", async () => {
    const response = await login(service, adminKey, { origin: service.baseUrl, "sec-fetch-site": "same-origin" });
    expect(response.status).toBe(303);
  });

  it("rejects tampered session", async () => {
    const cookie = sessionOf(await login(service, adminKey));
    const tampered = cookie.slice(0, -2) + (cookie.endsWith("AA") ? "BB" : "AA");
    const response = await getWithCookie(service, "/admin/sre", tampered);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin/login");
    expect(response.headers.get("set-cookie")).toContain("Max-Age=0");
  });

  it("ends sessions of revoked key", async () => {
    const { record, key } = await createApiKey(test.db, { kind: "admin" });
    const cookie = sessionOf(await login(service, key));
    expect((await getWithCookie(service, "/admin/sre", cookie)).status).toBe(200);
    await revokeApiKey(test.db, record.id);
    const response = await getWithCookie(service, "/admin/sre", cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin/login");
  });

  it("rejects empty and invalid keys", async () => {
    const empty = await login(service, "   ");
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Enter an admin API key.");
    const wrong = await login(service, "bgk_000000000000_" + "A".repeat(43));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("set-cookie")).toBeNull();
  });

  it("redirects signed-in login to page", async () => {
    const response = await getWithCookie(service, "/admin/login", sessionOf(await login(service, adminKey)));
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin/sre");
  });

  it("clears cookie on logout", async () => {
    const response = await fetch(`${service.baseUrl}/admin/logout`, { method: "POST", redirect: "manual" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin/login");
    expect(response.headers.get("set-cookie")).toBe("budgetgate_session=; Path=/admin; HttpOnly; SameSite=Strict; Max-Age=0");
  });

  it("redirects budget link to its row", async () => {
    const cookie = sessionOf(await login(service, adminKey));
    const response = await getWithCookie(service, "/admin/budgets/healthcare/quality?tenant=hc-a", cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/admin/sre#budget-healthcare/hc-a/quality");
    const vertical = await getWithCookie(service, "/admin/budgets/healthcare/quality", cookie);
    expect(vertical.headers.get("location")).toBe("/admin/sre#budget-healthcare//quality");
    expect(await (await getWithCookie(service, "/admin/sre", cookie)).text()).toContain('id="budget-healthcare//quality"');
  });

  it("does not accept session on API", async () => {
    const cookie = sessionOf(await login(service, adminKey));
    const response = await fetch(`${service.baseUrl}/api/budgets`, { headers: { cookie } });
    expect(response.status).toBe(401);
  });
});
