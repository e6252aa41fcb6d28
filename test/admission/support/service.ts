import { insertCalls } from "../../../src/db/calls.ts";
import type { Database } from "../../../src/db/database.ts";
import { loadConfig } from "../../../src/config/config.ts";
import { PolicyEngine } from "../../../src/policy/engine.ts";
import { startTlsListeners, type TlsListeners } from "../../../src/server/tls.ts";
import { BudgetService } from "../../../src/service/service.ts";
import { buildCall, hoursFrom } from "../../helpers/calls.ts";
import { createTestCertificates, type TestCertificates } from "./certificates.ts";

export interface RunningTlsService {
  service: BudgetService;
  tls: TlsListeners;
  certificates: TestCertificates;
  /** Closes both HTTPS listeners, flushes the decision log and removes the certificates; the database stays open. */
  stop(): Promise<void>;
}

/**
 * Failed conversations per 1000 calls of the last day, per vertical. The quality target is 95 %,
 * so healthcare keeps 20 % of its quality budget (denied), salon 40 % (allowed with a warning) and
 * dental 8 % (denied and escalated).
 */
export const FAILED_CALLS_PER_VERTICAL: Record<string, number> = { healthcare: 40, salon: 30, dental: 46 };

/** Inserts the calls behind FAILED_CALLS_PER_VERTICAL, plus cost baseline calls ten days back. */
export async function seedQualityCalls(db: Database): Promise<void> {
  const [clock] = await db.query<{ now: Date }>("select now() as now");
  const now = clock!.now;
  const calls = [];
  for (const [vertical, failed] of Object.entries(FAILED_CALLS_PER_VERTICAL)) {
    for (let index = 0; index < 1000; index += 1) {
      calls.push(buildCall({ vertical, createdAt: hoursFrom(now, -1 - index / 100), ok: index >= failed, costUsd: 0.1 }));
    }
    for (let index = 0; index < 100; index += 1) {
      calls.push(buildCall({ vertical, createdAt: hoursFrom(now, -240 - index / 10), costUsd: 0.1 }));
    }
  }
  await insertCalls(db, calls);
}

/**
 * Starts a BudgetService over a migrated database, computes budgets once and opens the webhook and
 * provider HTTPS listeners on free loopback ports with a freshly generated certificate.
 */
export async function startTlsTestService(db: Database, env: Record<string, string> = {}): Promise<RunningTlsService> {
  const certificates = await createTestCertificates();
  const config = loadConfig({
    ...env,
    BUDGETGATE_PORT: "0",
    BUDGETGATE_TLS_CERT_FILE: certificates.certFile,
    BUDGETGATE_TLS_KEY_FILE: certificates.keyFile,
    BUDGETGATE_TLS_PORT: "0",
    BUDGETGATE_PROVIDER_TLS_PORT: "0",
  });
  if (config.tls === null) {
    throw new Error("loadConfig returned no TLS settings although a certificate and key were given");
  }
  const engine = await PolicyEngine.load();
  const service = new BudgetService(db, config, engine);
  await service.tick();
  const tls = await startTlsListeners(service, {
    host: "127.0.0.1",
    ...config.tls,
    admissionBodyLimitBytes: config.admissionBodyLimitBytes,
    providerBodyLimitBytes: config.bodyLimitBytes,
  });
  return {
    service,
    tls,
    certificates,
    async stop() {
      await tls.close();
      await service.decisionLog.close();
      await certificates.remove();
    },
  };
}
