import { X509Certificate } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { readCertificatePair } from "../../src/server/tls.ts";
import { runCli } from "../helpers/cli.ts";
import { createTestPglite, createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { createTestCertificates, type TestCertificates } from "./support/certificates.ts";
import { httpsRequest } from "./support/https.ts";
import { startTlsTestService, type RunningTlsService } from "./support/service.ts";

async function fingerprintOf(certFile: string): Promise<string> {
  return new X509Certificate(await readFile(certFile)).fingerprint256;
}

describe("TLS configuration", () => {
  it("reads certificate paths and ports", () => {
    const config = loadConfig({ BUDGETGATE_TLS_CERT_FILE: "tls.crt", BUDGETGATE_TLS_KEY_FILE: "tls.key" });
    expect(config.tls).toEqual({
      certFile: path.resolve("tls.crt"),
      keyFile: path.resolve("tls.key"),
      webhookPort: 8443,
      providerPort: 8444,
      reloadSeconds: 30,
    });
    expect(config.admissionBodyLimitBytes).toBe(4 * 1024 * 1024);
  });

  it("leaves TLS off without a certificate", () => {
    expect(loadConfig({}).tls).toBeNull();
  });

  it.each([
    { name: "certificate without key", env: { BUDGETGATE_TLS_CERT_FILE: "tls.crt" }, message: /BUDGETGATE_TLS_KEY_FILE is not/ },
    { name: "key without certificate", env: { BUDGETGATE_TLS_KEY_FILE: "tls.key" }, message: /BUDGETGATE_TLS_CERT_FILE is not/ },
    { name: "invalid port", env: { BUDGETGATE_TLS_PORT: "70000" }, message: /BUDGETGATE_TLS_PORT must be between 0 and 65535/ },
    { name: "zero reload interval", env: { BUDGETGATE_TLS_RELOAD_SECONDS: "0" }, message: /between 1 and 3600 seconds/ },
  ])("rejects $name", ({ env, message }) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe("readCertificatePair", () => {
  let first: TestCertificates;
  let second: TestCertificates;

  beforeAll(async () => {
    first = await createTestCertificates("first");
    second = await createTestCertificates("second");
  });

  afterAll(async () => {
    await first?.remove();
    await second?.remove();
  });

  it("rejects unreadable certificate", async () => {
    const missing = path.join(first.dir, "missing.crt");
    await expect(readCertificatePair(missing, first.keyFile)).rejects.toThrow(ConfigError);
    await expect(readCertificatePair(missing, first.keyFile)).rejects.toThrow(`failed to read BUDGETGATE_TLS_CERT_FILE ${missing}`);
  });

  it("rejects mismatched key", async () => {
    await expect(readCertificatePair(first.certFile, second.keyFile)).rejects.toThrow(/are not a matching PEM pair/);
  });
});

describe("certificate reload", () => {
  let test: TestDatabase;
  let running: RunningTlsService;
  let replacement: TestCertificates;

  beforeAll(async () => {
    test = await createTestPglite();
    running = await startTlsTestService(test.db);
    replacement = await createTestCertificates("rotated");
  });

  afterAll(async () => {
    await running?.stop();
    await replacement?.remove();
    await test?.drop();
  });

  it("serves rotated certificate after reload", async () => {
    const before = await httpsRequest({ port: running.tls.webhookPort, path: "/healthz", method: "GET", ca: running.certificates.ca });
    expect(before.fingerprint256).toBe(await fingerprintOf(running.certificates.certFile));
    expect(await running.tls.reload()).toBe(false);

    await copyFile(replacement.certFile, running.certificates.certFile);
    await copyFile(replacement.keyFile, running.certificates.keyFile);
    expect(await running.tls.reload()).toBe(true);

    const webhook = await httpsRequest({ port: running.tls.webhookPort, path: "/healthz", method: "GET", ca: replacement.ca });
    expect(webhook.fingerprint256).toBe(await fingerprintOf(replacement.certFile));
    const provider = await httpsRequest({ port: running.tls.providerPort, path: "/healthz", method: "GET", ca: replacement.ca });
    expect(provider.fingerprint256).toBe(await fingerprintOf(replacement.certFile));
    expect(provider.protocol).toBe("TLSv1.3");
    const oldClient = httpsRequest({ port: running.tls.providerPort, path: "/healthz", method: "GET", ca: replacement.ca, maxVersion: "TLSv1.2" });
    await expect(oldClient).rejects.toThrow(/protocol version|handshake failure|alert/i);
  });

  it("keeps certificate when new pair mismatches", async () => {
    const servedBefore = await fingerprintOf(running.certificates.certFile);
    const other = await createTestCertificates("mismatch");
    try {
      await copyFile(other.certFile, running.certificates.certFile);
      expect(await running.tls.reload()).toBe(false);
    } finally {
      await other.remove();
    }
    const result = await httpsRequest({ port: running.tls.webhookPort, path: "/healthz", method: "GET", ca: replacement.ca });
    expect(result.fingerprint256).toBe(servedBefore);
  });
});

describe("budgetgate serve with TLS", () => {
  let dataDir: string;
  let database: TestDatabase;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "budgetgate-serve-"));
    database = await createTestPostgres();
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it("fails when key file is missing", async () => {
    const result = await runCli(["serve"], {
      env: { DATABASE_URL: "", BUDGETGATE_DATA_DIR: dataDir, BUDGETGATE_TLS_CERT_FILE: path.join(dataDir, "tls.crt") },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("BUDGETGATE_TLS_CERT_FILE is set but BUDGETGATE_TLS_KEY_FILE is not");
  });

  it("fails when certificate is unreadable", async () => {
    const certFile = path.join(dataDir, "missing.crt");
    const result = await runCli(["serve"], {
      env: {
        DATABASE_URL: database.url!,
        BUDGETGATE_DATA_DIR: dataDir,
        BUDGETGATE_PORT: "0",
        BUDGETGATE_TLS_CERT_FILE: certFile,
        BUDGETGATE_TLS_KEY_FILE: path.join(dataDir, "tls.key"),
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`failed to read BUDGETGATE_TLS_CERT_FILE ${certFile}`);
  });
});
