import { generateKeyPairSync } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { bundleFiles, packBundle } from "../../src/bundle/build.ts";
import { loadBundleSigner, signBundle } from "../../src/bundle/signing.ts";
import { BundleStore } from "../../src/bundle/store.ts";
import { loadConfig } from "../../src/config/config.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { PolicyEngine } from "../../src/policy/engine.ts";
import { createApp } from "../../src/server/app.ts";
import { BudgetService } from "../../src/service/service.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { startConfiguredOpa, waitFor, type OpaServer } from "../helpers/opa-process.ts";

const TOKEN = "sidecar-test-token-0123456789";
const LONG_POLL_SECONDS = 10;
const INPUT = { deploy: { type: "prompt", vertical: "healthcare", service: "voice-agent" } };

interface Keys {
  privateFile: string;
  publicPem: string;
}

async function writeKeys(folder: string): Promise<Keys> {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateFile = path.join(folder, "signing-key.pem");
  await writeFile(privateFile, privateKey.export({ type: "pkcs8", format: "pem" }));
  return { privateFile, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** OPA configuration in the shape of deploy/opa/config.yaml, pointed at a test server. */
function sidecarConfig(serviceUrl: string, publicPem: string, persistDir: string): string {
  return stringify({
    services: [{ name: "budgetgate", url: serviceUrl, credentials: { bearer: { token: TOKEN } } }],
    bundles: {
      budgetgate: {
        service: "budgetgate",
        resource: "bundles/budgetgate",
        persist: true,
        // Regular polling is slower than the test waits, so only long polling can deliver in time.
        polling: { min_delay_seconds: 120, max_delay_seconds: 180, long_polling_timeout_seconds: LONG_POLL_SECONDS },
        signing: { keyid: "budgetgate" },
      },
    },
    keys: { budgetgate: { algorithm: "RS256", key: publicPem } },
    persistence_directory: persistDir,
    status: { service: "budgetgate" },
    decision_logs: { service: "budgetgate", reporting: { min_delay_seconds: 1, max_delay_seconds: 2 } },
  });
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const listener = app.listen(0, "127.0.0.1", () => resolve(listener));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function opaDecision(opa: OpaServer): Promise<unknown> {
  const response = await fetch(`${opa.url}/v1/data/budgetgate/decision`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ input: INPUT }),
  });
  const body = (await response.json()) as { result?: unknown };
  return body.result;
}

async function opaRevision(opa: OpaServer): Promise<string | undefined> {
  const response = await fetch(`${opa.url}/v1/data/budgetgate/revision`);
  const body = (await response.json()) as { result?: string };
  return body.result;
}

async function bundlesHealthy(opa: OpaServer): Promise<true | undefined> {
  const response = await fetch(`${opa.url}/health?bundles`);
  return response.status === 200 ? true : undefined;
}

describe("OPA sidecar against the bundle server", () => {
  let test: TestDatabase;
  let folder: string;
  let keys: Keys;
  let service: BudgetService;
  let bundleServer: Server;
  let bundleUrl: string;
  let opa: OpaServer;
  let configFile: string;

  beforeAll(async () => {
    test = await createTestPostgres();
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-sidecar-"));
    keys = await writeKeys(folder);

    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    const now = clock!.now;
    await insertCalls(
      test.db,
      Array.from({ length: 1000 }, (_, index) => buildCall({ createdAt: hoursFrom(now, -1 - index / 100), ok: index >= 40 })),
    );

    const config = loadConfig({ BUDGETGATE_BUNDLE_TOKEN: TOKEN, BUDGETGATE_LONG_POLL_MAX_SECONDS: "60" });
    const signer = await loadBundleSigner(keys.privateFile, "budgetgate");
    service = new BudgetService(test.db, config, await PolicyEngine.load(), new BundleStore({ signer }));
    await service.tick();
    ({ server: bundleServer, url: bundleUrl } = await listen(createApp(service)));

    configFile = path.join(folder, "opa.yaml");
    await writeFile(configFile, sidecarConfig(bundleUrl, keys.publicPem, path.join(folder, "opa-persist")));
    opa = await startConfiguredOpa(configFile);
    await waitFor("OPA to activate the bundle", () => bundlesHealthy(opa));
  });

  afterAll(async () => {
    await opa?.stop();
    bundleServer?.closeAllConnections();
    await new Promise((resolve) => bundleServer?.close(resolve));
    await service?.decisionLog.close();
    await test?.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it("activates the signed bundle", async () => {
    expect(await opaRevision(opa)).toBe(service.data?.revision);
  });

  it("decides like the Wasm engine", async () => {
    const native = await opaDecision(opa);
    const wasm = service.engine.decide({ deploy: INPUT.deploy });
    expect(native).toEqual(wasm);
    expect(wasm.allow).toBe(false);
  });

  it("stores status reports and decision logs", async () => {
    await opaDecision(opa);
    // OPA also reports before the bundle is active, so wait for a report that names the revision.
    const statusRows = await waitFor("a status report with the active revision", async () => {
      const rows = await test.db.query<{ payload: { bundles?: Record<string, { active_revision?: string }> } }>(
        "select payload from opa_status_reports where payload->'bundles'->'budgetgate'->>'active_revision' = $1 limit 1",
        [service.data?.revision],
      );
      return rows[0];
    });
    expect(statusRows.payload.bundles?.budgetgate?.active_revision).toBe(service.data?.revision);
    const logRows = await waitFor("a decision log event", async () => {
      const rows = await test.db.query<{ path: string; allow: boolean }>(
        "select path, (payload->'result'->>'allow')::bool as allow from opa_decision_logs where path = 'budgetgate/decision' limit 1",
      );
      return rows[0];
    });
    expect(logRows.allow).toBe(false);
  });

  it("picks up a new revision by long polling", async () => {
    const previous = service.data?.revision;
    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    await insertCalls(test.db, Array.from({ length: 200 }, (_, index) => buildCall({ createdAt: hoursFrom(clock!.now, -index / 100), ok: false })));

    const changedAt = Date.now();
    await service.tick();
    const next = service.data?.revision;
    expect(next).not.toBe(previous);
    await waitFor("OPA to serve the new revision", async () => ((await opaRevision(opa)) === next ? true : undefined), LONG_POLL_SECONDS * 1000);
    const elapsedMs = Date.now() - changedAt;
    console.info(`OPA served the new revision ${elapsedMs} ms after the budgets changed`);
    expect(elapsedMs).toBeLessThan(LONG_POLL_SECONDS * 1000);
    expect(await opaDecision(opa)).toEqual(service.engine.decide({ deploy: INPUT.deploy }));
  });

  it("rejects a tampered bundle", async () => {
    const data = service.data!;
    const signer = await loadBundleSigner(keys.privateFile, "budgetgate");
    const signed = await signBundle(await bundleFiles(data), signer);
    const tamperedData = { ...data, config: { ...data.config, thresholds: { ...data.config.thresholds, block: 0 } } };
    signed.set("/data.json", `${JSON.stringify({ budgetgate: tamperedData })}\n`);
    const archive = await packBundle(signed);

    const app = express();
    app.get("/bundles/budgetgate", (_request, response) => {
      response.set({ "Content-Type": "application/gzip", ETag: '"tampered"' }).end(archive);
    });
    const tamperedServer = await listen(app);
    const tamperedConfig = path.join(folder, "opa-tampered.yaml");
    await writeFile(tamperedConfig, sidecarConfig(tamperedServer.url, keys.publicPem, path.join(folder, "opa-tampered-persist")));
    const tamperedOpa = await startConfiguredOpa(tamperedConfig);
    try {
      await waitFor("OPA to report the digest mismatch", async () => (/digest mismatch/.test(tamperedOpa.output()) ? true : undefined));
      // OPA may report the mismatch before its HTTP server listens, so wait for the server first.
      await waitFor("OPA to listen", async () => ((await fetch(`${tamperedOpa.url}/health`)).ok ? true : undefined));
      expect(await bundlesHealthy(tamperedOpa)).toBeUndefined();
    } finally {
      await tamperedOpa.stop();
      await new Promise((resolve) => tamperedServer.server.close(resolve));
    }
  });

  it("decides from the persisted bundle while the server is down", async () => {
    const expected = service.engine.decide({ deploy: INPUT.deploy });
    await opa.stop();
    bundleServer.closeAllConnections();
    await new Promise((resolve) => bundleServer.close(resolve));

    opa = await startConfiguredOpa(configFile);
    const revision = await waitFor("OPA to load the persisted bundle", () => opaRevision(opa));
    expect(revision).toBe(service.data?.revision);
    expect(await opaDecision(opa)).toEqual(expected);
  });
});
