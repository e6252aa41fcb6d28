import cron, { type ScheduledTask } from "node-cron";
import { runBudgetComputation } from "../budgets/run.ts";
import { BundleStore } from "../bundle/store.ts";
import type { Config } from "../config/config.ts";
import type { Database } from "../db/database.ts";
import { Metrics } from "../metrics/registry.ts";
import { DecisionLogWriter } from "../decisions/log.ts";
import { createDecisionRecord, type DecisionSource } from "../decisions/record.ts";
import { describeError } from "../errors.ts";
import { logger } from "../log.ts";
import type { PolicyData } from "../policy/data.ts";
import type { Decision } from "../policy/decision.ts";
import type { PolicyEngine } from "../policy/engine.ts";
import { loadPolicyData } from "../policy/load-data.ts";

/** Outcome of one scheduled tick. */
export type TickOutcome = "computed" | "skipped_locked" | "failed";

/**
 * The running service: the database, the Wasm engine with the newest budget data, the decision
 * log and the budget schedule. HTTP routes and the CLI call into it.
 */
export class BudgetService {
  readonly db: Database;
  readonly config: Config;
  readonly engine: PolicyEngine;
  readonly decisionLog: DecisionLogWriter;
  /** The OPA bundle served to sidecars, rebuilt with every new budget revision. */
  readonly bundles: BundleStore;
  readonly metrics: Metrics;
  #data: PolicyData | null = null;
  #task: ScheduledTask | undefined;

  constructor(db: Database, config: Config, engine: PolicyEngine, bundles: BundleStore = new BundleStore()) {
    this.db = db;
    this.config = config;
    this.engine = engine;
    this.bundles = bundles;
    this.metrics = new Metrics(() => bundles.current?.builtAt ?? null);
    this.decisionLog = new DecisionLogWriter(db);
  }

  /** Budget data in use, or null before budgets were first loaded. */
  get data(): PolicyData | null {
    return this.#data;
  }

  /** Loads the newest budgets from the database into the engine; a no-op when the revision is unchanged. */
  async refreshData(): Promise<PolicyData> {
    const data = await loadPolicyData(this.db, this.config);
    this.engine.setData(data);
    this.#data = data;
    if (await this.bundles.update(data)) {
      this.metrics.bundleBuilds.inc();
    }
    return data;
  }

  /**
   * Computes budgets when this process holds the compute lock, then loads the newest budgets.
   * Another replica holding the lock makes this tick only reload what that replica wrote.
   */
  async tick(): Promise<TickOutcome> {
    let outcome: TickOutcome = "failed";
    try {
      outcome = await this.db.withSession(async (session) => {
        const [lock] = await session.query<{ locked: boolean }>(
          "select pg_try_advisory_lock(hashtext(current_schema() || ':budgetgate.compute')) as locked",
        );
        if (!lock?.locked) {
          return "skipped_locked";
        }
        try {
          await runBudgetComputation(this.db);
          return "computed";
        } finally {
          await session.query("select pg_advisory_unlock(hashtext(current_schema() || ':budgetgate.compute'))");
        }
      });
      if (outcome === "skipped_locked") {
        logger.info("another process holds the compute lock; reloading its budgets");
      }
    } catch (error) {
      logger.error({ err: error, reason: describeError(error) }, "budget computation failed; keeping the last good budgets");
    }
    try {
      await this.refreshData();
    } catch (error) {
      logger.error(
        { err: error, reason: describeError(error), revision: this.#data?.revision ?? null },
        "could not load budgets; the policy engine and the bundle server keep the last good revision",
      );
      this.metrics.refreshFailures.inc();
    }
    return outcome;
  }

  /** Starts the budget schedule; a tick still running when the next is due makes that one skip. */
  startSchedule(): void {
    this.#task = cron.schedule(this.config.computeSchedule, () => this.tick(), {
      name: "budget-computation",
      noOverlap: true,
    });
    logger.info({ schedule: this.config.computeSchedule }, "budget schedule started");
  }

  /** Decides on a deploy descriptor and queues the decision record. */
  decide(input: unknown, source: DecisionSource): { decision: Decision; decisionId: string } {
    const decision = this.engine.decide(input);
    const record = createDecisionRecord(source, input, decision, decision.revision);
    this.decisionLog.add(record);
    return { decision, decisionId: record.decisionId };
  }

  async close(): Promise<void> {
    await this.#task?.stop();
    await this.decisionLog.close();
    await this.db.close();
  }
}
