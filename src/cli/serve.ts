import type { Server } from "node:http";
import { BundleStore } from "../bundle/store.ts";
import { loadBundleSigner } from "../bundle/signing.ts";
import type { Config } from "../config/config.ts";
import type { Database } from "../db/database.ts";
import { ConfigError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import { PolicyEngine } from "../policy/engine.ts";
import { createApp } from "../server/app.ts";
import { listenHttp } from "../server/http.ts";
import { readCertificatePair, startTlsListeners, type TlsListeners } from "../server/tls.ts";
import { BudgetService } from "../service/service.ts";

/**
 * Starts the service on an open, migrated database: first computation, schedule, HTTP listener and,
 * when a TLS certificate is configured, the HTTPS listeners of the admission webhook and the
 * Gatekeeper provider.
 */
export async function startService(
  config: Config,
  db: Database,
): Promise<{ service: BudgetService; server: Server; tls: TlsListeners | null }> {
  // A wrong certificate path fails here, before the first budget computation. Closing the
  // database lets the process exit at once instead of waiting for idle connections to time out.
  if (config.tls !== null) {
    try {
      await readCertificatePair(config.tls.certFile, config.tls.keyFile);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  const engine = await PolicyEngine.load();
  const { signingKeyFile, signingKeyId, signingAlgorithm } = config.bundle;
  const signer = signingKeyFile === undefined ? undefined : await loadBundleSigner(signingKeyFile, signingKeyId, signingAlgorithm);
  const service = new BudgetService(db, config, engine, new BundleStore(signer === undefined ? {} : { signer }));
  await service.tick();
  service.startSchedule();

  let server: Server;
  try {
    server = await listenHttp(service, createApp(service), config.host, config.port);
  } catch (error) {
    // Without this the schedule and the database pool would keep a process running that serves nothing.
    await service.close();
    throw new ConfigError(
      `could not listen on ${config.host}:${config.port}: ${describeError(error)}; stop the process that uses the port or set BUDGETGATE_PORT`,
      { cause: error },
    );
  }
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  logger.info({ host: config.host, port, revision: service.data?.revision }, "service listening");

  let tls: TlsListeners | null = null;
  if (config.tls !== null) {
    const options = {
      host: config.host,
      ...config.tls,
      admissionBodyLimitBytes: config.admissionBodyLimitBytes,
      providerBodyLimitBytes: config.bodyLimitBytes,
    };
    try {
      tls = await startTlsListeners(service, options);
    } catch (error) {
      // Without this the HTTP listener and the schedule would keep the failed process running.
      server.close();
      await service.close();
      throw error;
    }
  }

  const stop = (signal: string) => {
    logger.info({ signal }, "stopping");
    server.close();
    void tls?.close();
    void service.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  return { service, server, tls };
}
