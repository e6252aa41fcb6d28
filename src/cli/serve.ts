import type { Server } from "node:http";
import { BundleStore } from "../bundle/store.ts";
import { loadBundleSigner } from "../bundle/signing.ts";
import type { Config } from "../config/config.ts";
import type { Database } from "../db/database.ts";
import { logger } from "../log.ts";
import { PolicyEngine } from "../policy/engine.ts";
import { createApp } from "../server/app.ts";
import { BudgetService } from "../service/service.ts";

/** Starts the service on an open, migrated database: first computation, schedule and HTTP listener. */
export async function startService(config: Config, db: Database): Promise<{ service: BudgetService; server: Server }> {
  const engine = await PolicyEngine.load();
  const { signingKeyFile, signingKeyId, signingAlgorithm } = config.bundle;
  const signer = signingKeyFile === undefined ? undefined : await loadBundleSigner(signingKeyFile, signingKeyId, signingAlgorithm);
  const service = new BudgetService(db, config, engine, new BundleStore(signer === undefined ? {} : { signer }));
  await service.tick();
  service.startSchedule();

  const app = createApp(service);
  const server = await new Promise<Server>((resolve, reject) => {
    const listener = app.listen(config.port, config.host, () => resolve(listener));
    listener.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : config.port;
  logger.info({ host: config.host, port, revision: service.data?.revision }, "service listening");

  const stop = (signal: string) => {
    logger.info({ signal }, "stopping");
    server.close();
    void service.close().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  return { service, server };
}
