import https from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_KEYS, PROVIDER_API_VERSION } from "../../src/gatekeeper/provider.ts";
import { httpsRequest, type HttpsResult } from "../admission/support/https.ts";
import { seedQualityCalls, startTlsTestService, type RunningTlsService } from "../admission/support/service.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";

const PATH = "/gatekeeper/provider";

function providerRequest(keys: unknown): unknown {
  return { apiVersion: PROVIDER_API_VERSION, kind: "ProviderRequest", request: { keys } };
}

describe("Gatekeeper external data provider over TLS 1.3", () => {
  let test: TestDatabase;
  let running: RunningTlsService;

  const call = (body: unknown): Promise<HttpsResult> =>
    httpsRequest({ port: running.tls.providerPort, path: PATH, ca: running.certificates.ca, body });

  beforeAll(async () => {
    test = await createTestPostgres();
    await seedQualityCalls(test.db);
    running = await startTlsTestService(test.db);
  });

  afterAll(async () => {
    await running?.stop();
    await test?.drop();
  });

  it("negotiates TLS 1.3", async () => {
    const result = await call(providerRequest(["platform/healthcare"]));
    expect(result.protocol).toBe("TLSv1.3");
    expect(result.status).toBe(200);
  });

  it("refuses TLS 1.2 client", async () => {
    const attempt = new Promise<void>((resolve, reject) => {
      const request = https.request(
        {
          host: "127.0.0.1",
          servername: "localhost",
          port: running.tls.providerPort,
          path: PATH,
          method: "POST",
          ca: running.certificates.ca,
          agent: false,
          maxVersion: "TLSv1.2",
        },
        () => resolve(),
      );
      request.on("error", reject);
      request.end();
    });
    await expect(attempt).rejects.toThrow(/protocol version|handshake failure|alert/i);
  });

  it("answers a batch of keys", async () => {
    const result = await call(providerRequest(["prompt/healthcare/voice-agent", "platform/healthcare", "prompt/salon"]));
    expect(result.status).toBe(200);
    expect(result.body.apiVersion).toBe(PROVIDER_API_VERSION);
    expect(result.body.kind).toBe("ProviderResponse");
    expect(result.body.response.idempotent).toBe(true);
    expect(result.body.response.systemError).toBe("");
    const [prompt, platform, salon] = result.body.response.items;
    expect(result.body.response.items).toHaveLength(3);

    expect(prompt.key).toBe("prompt/healthcare/voice-agent");
    expect(prompt.error).toBe("");
    expect(prompt.value.allow).toBe(false);
    expect(prompt.value.messages).toHaveLength(1);
    expect(prompt.value.messages[0]).toMatch(/^quality budget of healthcare has 20\.0% remaining, below the 25\.0% required for prompt deploys/);
    expect(prompt.value.revision).toBe(running.service.data?.revision);

    expect(platform.key).toBe("platform/healthcare");
    expect(platform.value.allow).toBe(true);
    expect(platform.value.messages).toEqual([]);

    expect(salon.value.allow).toBe(true);
    expect(salon.value.warnings).toHaveLength(1);
    expect(salon.value.warnings[0]).toContain("40.0% remaining");
  });

  it("records decisions with source gatekeeper", async () => {
    const result = await call(providerRequest(["finance/healthcare"]));
    const [item] = result.body.response.items;
    await running.service.decisionLog.flush();
    const rows = await test.db.query<{ source: string; allowed: boolean }>("select source, allowed from decision_log where decision_id = $1", [
      item.value.decision_id,
    ]);
    expect(rows).toEqual([{ source: "gatekeeper", allowed: item.value.allow }]);
  });

  it("reports per-key errors for bad keys", async () => {
    const keys = ["database/healthcare", "prompt/dental-clinic", "prompt", "prompt/", "prompt/healthcare/voice-agent?colour=red", "platform/salon"];
    const result = await call(providerRequest(keys));
    expect(result.status).toBe(200);
    expect(result.body.response.systemError).toBe("");
    const items = result.body.response.items;
    expect(items.map((item: { key: string }) => item.key)).toEqual(keys);
    expect(items[0].error).toBe('deploy type "database" is not configured, known deploy types are finance, model, platform, prompt');
    expect(items[0].value).toBeNull();
    expect(items[1].error).toContain('vertical "dental-clinic" has no budgets in the budget data, known verticals are dental, healthcare, salon');
    expect(items[2].error).toContain('key has 1 part(s) separated by "/"');
    expect(items[3].error).toContain("key has no vertical");
    expect(items[4].error).toContain('unknown parameter "colour"');
    expect(items[5].error).toBe("");
    expect(items[5].value.allow).toBe(true);
  });

  it("decides break-glass key", async () => {
    const result = await call(providerRequest(["prompt/healthcare/voice-agent?break-glass=incident+42%3A+rollback"]));
    const [item] = result.body.response.items;
    expect(item.error).toBe("");
    expect(item.value.allow).toBe(true);
    expect(item.value.warnings.join(" ")).toContain('reason "incident 42: rollback"');
  });

  it("answers duplicate keys once", async () => {
    const result = await call(providerRequest(["platform/healthcare", "platform/healthcare"]));
    expect(result.body.response.items).toHaveLength(1);
  });

  it("answers empty key list", async () => {
    const result = await call(providerRequest([]));
    expect(result.status).toBe(200);
    expect(result.body.response.items).toEqual([]);
  });

  it.each([
    { case: "invalid JSON", body: '{"apiVersion": ', systemError: "request body is not valid JSON" },
    {
      case: "wrong apiVersion",
      body: { apiVersion: "externaldata.gatekeeper.sh/v1alpha1", kind: "ProviderRequest", request: { keys: [] } },
      systemError: 'apiVersion must be "externaldata.gatekeeper.sh/v1beta1"',
    },
    { case: "wrong kind", body: { apiVersion: PROVIDER_API_VERSION, kind: "ProviderResponse", request: { keys: [] } }, systemError: 'kind must be "ProviderRequest"' },
    { case: "missing request", body: { apiVersion: PROVIDER_API_VERSION, kind: "ProviderRequest" }, systemError: "ProviderRequest has no request object" },
    { case: "keys not an array", body: providerRequest("prompt/healthcare"), systemError: "request.keys must be an array of strings" },
    { case: "non-string key", body: providerRequest(["prompt/healthcare", 7]), systemError: "request.keys must contain only strings" },
    {
      case: "too many keys",
      body: providerRequest(Array.from({ length: MAX_KEYS + 1 }, (_, index) => `platform/healthcare/service-${index}`)),
      systemError: `more than ${MAX_KEYS} keys`,
    },
  ])("reports systemError for $case", async ({ body, systemError }) => {
    const result = await call(body);
    expect(result.status).toBe(400);
    expect(result.body.kind).toBe("ProviderResponse");
    expect(result.body.response.items).toEqual([]);
    expect(result.body.response.systemError).toContain(systemError);
  });

  it("reports systemError for oversized body", async () => {
    const result = await call(providerRequest(["x".repeat(2 * 1024 * 1024)]));
    expect(result.status).toBe(413);
    expect(result.body.response.systemError).toContain("exceeds the limit");
  });
});
