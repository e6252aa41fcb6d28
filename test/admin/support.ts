import { createApiKey } from "../../src/apikeys/repository.ts";
import { addPlannedBurn } from "../../src/budgets/planned-burns.ts";
import { runBudgetComputation } from "../../src/budgets/run.ts";
import { loadConfig } from "../../src/config/config.ts";
import { loadDemoCalls } from "../../src/demo/load.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { postJson, startTestService, type RunningService } from "../helpers/service.ts";

/**
 * Demo volume of the admin tests: about 200,000 calls. At this scale and seed 42, ten runs with end
 * times a second apart left healthcare quality between 13 % and 19 % remaining, below the 25 %
 * block level as at full scale.
 */
export const DEMO_SCALE = 0.2;
export const DEMO_SEED = 42;
export const PLANNED_BURN_REASON = "failover drill <b>of the EU trunk</b>";

export interface DemoService {
  test: TestDatabase;
  running: RunningService;
  adminKey: string;
  stop(): Promise<void>;
}

/**
 * Loads demo calls into a fresh Postgres schema, computes budgets, adds a planned burn, starts the
 * service, records two decisions and creates an admin key.
 */
export async function startDemoService(env: Record<string, string> = {}): Promise<DemoService> {
  const test = await createTestPostgres();
  try {
    await loadDemoCalls(test.db, { seed: DEMO_SEED, end: new Date(), days: 21, scale: DEMO_SCALE });
    const config = loadConfig(env);
    await runBudgetComputation(test.db, { config });
    const [clock] = await test.db.query<{ now: Date }>("select now() as now");
    await addPlannedBurn(
      test.db,
      {
        vertical: "healthcare",
        tenant_id: null,
        budgets: ["availability", "latency"],
        starts_at: new Date(clock!.now.getTime() + 3_600_000),
        ends_at: new Date(clock!.now.getTime() + 3 * 3_600_000),
        reason: PLANNED_BURN_REASON,
        author: "sre-oncall",
      },
      { maxBackdateHours: 24 },
    );
    const running = await startTestService(test.db, env);
    const decisionUrl = `${running.baseUrl}/v1/data/budgetgate/decision`;
    await postJson(decisionUrl, { input: { deploy: { type: "prompt", vertical: "healthcare" } } });
    await postJson(decisionUrl, { input: { deploy: { type: "platform", vertical: "salon" } } });
    await running.service.decisionLog.flush();
    const { key } = await createApiKey(test.db, { kind: "admin" }, "admin tests");
    return {
      test,
      running,
      adminKey: key,
      async stop() {
        await running.stop();
        await test.drop();
      },
    };
  } catch (error) {
    await test.drop();
    throw error;
  }
}
