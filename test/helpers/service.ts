import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig, type Config } from "../../src/config/config.ts";
import type { Database } from "../../src/db/database.ts";
import { PolicyEngine } from "../../src/policy/engine.ts";
import { createApp } from "../../src/server/app.ts";
import { listenHttp } from "../../src/server/http.ts";
import { BudgetService } from "../../src/service/service.ts";

export interface RunningService {
  service: BudgetService;
  baseUrl: string;
  /** Stops the HTTP server and flushes the decision log; the database stays open. */
  stop(): Promise<void>;
}

/** Starts the HTTP service on a free loopback port over an already migrated database. */
export async function startTestService(db: Database, env: Record<string, string> = {}): Promise<RunningService> {
  const config: Config = loadConfig({ ...env, BUDGETGATE_PORT: "0" });
  const engine = await PolicyEngine.load();
  const service = new BudgetService(db, config, engine);
  await service.tick();
  const server: Server = await listenHttp(service, createApp(service), "127.0.0.1", 0);
  const { port } = server.address() as AddressInfo;
  return {
    service,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await service.decisionLog.close();
    },
  };
}

/** POSTs JSON and returns the status and parsed body. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
