import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../../src/apikeys/repository.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { startTestService, type RunningService } from "../helpers/service.ts";

const ADMIN_TOKEN = "isolation-test-admin-token-0123456789";

/** Quality and availability budgets, with tenant-level quality budgets for hc-a and hc-b. */
const BUDGETS_FILE = `apiVersion: budgetgate/v1
budgets:
  - name: availability
    sli: availability
    target: 0.999
    gates: [platform]
  - name: quality
    sli: quality
    target: 0.95
    gates: [prompt, model]
    overrides:
      - { vertical: healthcare, tenant: hc-a, target: 0.95 }
      - { vertical: healthcare, tenant: hc-b, target: 0.9 }
`;

/** GET routes that need a key. */
const GUARDED_ROUTES = ["/api/budgets", "/api/tenants/hc-a/budgets", "/admin/sre", "/admin/budgets/healthcare/quality?tenant=hc-a"];

/** Parses a JSON body; `any` keeps the assertions on its fields short. */
async function json(response: Response): Promise<any> {
  return response.json();
}

async function get(service: RunningService, route: string, key?: string): Promise<Response> {
  return fetch(`${service.baseUrl}${route}`, {
    redirect: "manual",
    headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
  });
}

describe("tenant isolation", () => {
  let test: TestDatabase;
  let folder: string;
  let service: RunningService;
  const keys = { admin: "", tenantA: "", tenantB: "", revoked: "", forged: "" };

  beforeAll(async () => {
    test = await createTestPostgres();
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-isolation-"));
    const budgetsFile = path.join(folder, "budgets.yaml");
    await writeFile(budgetsFile, BUDGETS_FILE);
    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    const calls = ["hc-a", "hc-b", null].flatMap((tenantId) =>
      Array.from({ length: 200 }, (_, index) => buildCall({ tenantId, createdAt: hoursFrom(clock!.now, -1 - index / 20), ok: index % 25 !== 0 })),
    );
    await insertCalls(test.db, calls);
    service = await startTestService(test.db, { BUDGETGATE_BUDGETS_FILE: budgetsFile, BUDGETGATE_ADMIN_TOKEN: ADMIN_TOKEN });

    keys.admin = (await createApiKey(test.db, { kind: "admin" })).key;
    keys.tenantA = (await createApiKey(test.db, { kind: "tenant", tenantId: "hc-a" })).key;
    keys.tenantB = (await createApiKey(test.db, { kind: "tenant", tenantId: "hc-b" })).key;
    const revoked = await createApiKey(test.db, { kind: "admin" });
    await revokeApiKey(test.db, revoked.record.id);
    keys.revoked = revoked.key;
    const other = await createApiKey(test.db, { kind: "admin" });
    keys.forged = `bgk_${other.record.id}_${"x".repeat(43)}`;
  });

  afterAll(async () => {
    await service?.stop();
    await test?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  describe.each(GUARDED_ROUTES)("%s", (route) => {
    it("rejects missing key", async () => {
      const response = await get(service, route);
      if (route.startsWith("/admin/")) {
        // A browser without a session is sent to the login form instead.
        expect(response.status).toBe(303);
        expect(response.headers.get("location")).toBe("/admin/login");
        expect(await response.text()).not.toContain("<table");
        return;
      }
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="budgetgate"');
      expect((await json(response)).message).toContain("missing API key");
    });

    it.each(["revoked", "forged"] as const)("rejects %s key with 401", async (which) => {
      const response = await get(service, route, keys[which]);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="budgetgate", error="invalid_token"');
      expect(JSON.stringify(await json(response))).not.toContain(keys[which]);
    });

    it("rejects wrong key with 401", async () => {
      const response = await get(service, route, "wrong-key");
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
    });

    it("rejects non-bearer scheme with 401", async () => {
      const response = await fetch(`${service.baseUrl}${route}`, { redirect: "manual", headers: { authorization: `Basic ${keys.admin}` } });
      expect(response.status).toBe(401);
    });
  });

  it("limits budgets list to own tenant", async () => {
    for (const [key, tenant] of [
      [keys.tenantA, "hc-a"],
      [keys.tenantB, "hc-b"],
    ] as const) {
      const response = await get(service, "/api/budgets", key);
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(body.budgets.map((budget: { tenant_id: string }) => budget.tenant_id)).toEqual([tenant]);
    }
  });

  it("rejects foreign tenant route with 403", async () => {
    const response = await get(service, "/api/tenants/hc-a/budgets", keys.tenantB);
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="budgetgate", error="insufficient_scope"');
    const body = await json(response);
    expect(body.code).toBe("forbidden");
    expect(body.message).toBe("this API key has scope tenant:hc-b, which does not allow reading the budgets of tenant hc-a");
    expect(JSON.stringify(body)).not.toContain("remaining");
  });

  it("rejects tenant key on admin pages", async () => {
    for (const route of ["/admin/sre", "/admin/budgets/healthcare/quality"]) {
      const response = await get(service, route, keys.tenantA);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain("<table");
    }
  });

  it("rejects tenant key at login", async () => {
    const response = await fetch(`${service.baseUrl}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ key: keys.tenantA }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain("This key has scope tenant:hc-a; the SRE page needs an admin key.");
  });

  it("returns own tenant rows with engine fields", async () => {
    const response = await get(service, "/api/tenants/hc-a/budgets", keys.tenantA);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.tenant_id).toBe("hc-a");
    expect(body.budgets).toHaveLength(1);
    const [quality] = body.budgets;
    expect(quality).toMatchObject({ vertical: "healthcare", tenant_id: "hc-a", name: "quality", alert: "none" });
    expect(Object.keys(quality.burn_rates)).toEqual(["5m", "30m", "1h", "2h", "6h", "1d", "3d"]);
    expect(quality).toHaveProperty("recovers_at");
    expect(quality.remaining).toBeCloseTo((0.96 - 0.95) / 0.05, 9);
  });

  it("gives admin every row", async () => {
    const response = await get(service, "/api/budgets", keys.admin);
    const body = await json(response);
    const scopes = new Set(body.budgets.map((budget: { tenant_id: string | null }) => budget.tenant_id));
    expect(scopes).toEqual(new Set([null, "hc-a", "hc-b"]));
    expect((await get(service, "/api/tenants/hc-b/budgets", keys.admin)).status).toBe(200);
    expect((await get(service, "/admin/sre", keys.admin)).status).toBe(200);
  });

  it("accepts admin token as admin key", async () => {
    const response = await get(service, "/api/budgets", ADMIN_TOKEN);
    expect(response.status).toBe(200);
    expect((await json(response)).budgets.length).toBeGreaterThan(2);
  });

  it("returns 400 for invalid tenant id", async () => {
    const response = await get(service, "/api/tenants/bad%20id/budgets", keys.admin);
    expect(response.status).toBe(400);
    const body = await json(response);
    expect(body.code).toBe("invalid_parameter");
    expect(body.message).toContain('invalid tenant id "bad id": tenant id must be 1 to 128 characters');
    // Without a key the id is not looked at.
    expect((await get(service, "/api/tenants/bad%20id/budgets")).status).toBe(401);
  });

  it("lists empty budgets for unknown tenant", async () => {
    const response = await get(service, "/api/tenants/hc-unknown/budgets", keys.admin);
    expect(response.status).toBe(200);
    expect((await json(response)).budgets).toEqual([]);
  });
});
