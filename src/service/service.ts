import cron, { type ScheduledTask } from "node-cron";
import { releaseComputeLock, tickAlreadyComputed, tryComputeLock } from "../budgets/compute-lock.ts";
import { BudgetComputationError } from "../budgets/errors.ts";
import { runBudgetComputation } from "../budgets/run.ts";
import { BundleStore } from "../bundle/store.ts";
import { Escalator, loadEscalationConfig } from "../escalation/index.ts";
import type { BudgetRun } from "../budgets/repository.ts";
import type { Config } from "../config/config.ts";
import type { Database } from "../db/database.ts";
import { Metrics } from "../metrics/registry.ts";
import { DecisionLogWriter } from "../decisions/log.ts";
import { createDecisionRecord, type DecisionSource } from "../decisions/record.ts";
import { describeError } from "../errors.ts";
import { logger } from "../log.ts";
import type { PolicyData } from "../policy/data.ts";
import type { Decision, KubernetesDecision } from "../policy/decision.ts";
import type { PolicyEngine } from "../policy/engine.ts";
import { loadPolicyDataAndRun } from "../policy/load-data.ts";

/** Outcome of one scheduled tick. */
export type TickOutcome = "computed" | "skipped_locked" | "skipped_done" | "failed";

/** Names a cron tick by its scheduled time, to the second, so that replicas agree on it. */
function slotOf(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

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
  /** Pages and resolves through the configured webhooks when budgets cross the escalation level. */
  readonly escalator: Escalator;
  #data: PolicyData | null = null;
  #task: ScheduledTask | undefined;

  constructor(db: Database, config: Config, engine: PolicyEngine, bundles: BundleStore = new BundleStore()) {
    this.db = db;
    this.config = config;
    this.engine = engine;
    this.bundles = bundles;
    this.metrics = new Metrics(() => bundles.current?.builtAt ?? null);
    this.escalator = new Escalator(db, loadEscalationConfig(process.env, { escalateBelow: config.thresholds.escalate }));
    this.decisionLog = new DecisionLogWriter(db);
  }

  /** Budget data in use, or null before budgets were first loaded. */
  get data(): PolicyData | null {
    return this.#data;
  }

  /** Loads the newest budgets from the database into the engine; a no-op when the revision is unchanged. */
  async refreshData(): Promise<PolicyData> {
    const { data, run } = await loadPolicyDataAndRun(this.db, this.config);
    this.metrics.recordBudgets(run.budgets);
    this.engine.setData(data);
    this.#data = data;
    if (await this.bundles.update(data)) {
      this.metrics.bundleBuilds.inc();
    }
    return data;
  }

  /**
   * Computes budgets when this process holds the compute lock, then loads the newest budgets.
   * `slot` is the scheduled time of a cron tick: when another replica already wrote a run for it,
   * this tick only reloads, so each tick is computed once even by replicas whose clocks differ
   * by more than the computation takes. A tick without a slot (start-up) always computes.
   * A failed computation is logged and retried at the next tick. error_budgets keeps the last
   * good run, because a run is written in one transaction after everything was computed.
   */
  async tick(slot?: Date): Promise<TickOutcome> {
    let outcome: TickOutcome = "failed";
    try {
      outcome = await this.db.withSession(async (session) => {
        if (!(await tryComputeLock(session))) {
          return "skipped_locked";
        }
        try {
          if (slot !== undefined && (await tickAlreadyComputed(session, slot))) {
            return "skipped_done";
          }
          const started = performance.now();
          let run: BudgetRun;
          try {
            run = await runBudgetComputation(this.db, { config: this.config, tickSlot: slot ?? null });
          } catch (error) {
            this.metrics.recordRun((performance.now() - started) / 1000, false);
            throw error;
          }
          this.metrics.recordRun((performance.now() - started) / 1000, true);
          await this.#escalate(run);
          return "computed";
        } finally {
          await releaseComputeLock(session);
        }
      });
      if (outcome === "skipped_locked") {
        logger.info({ slot }, "another process holds the compute lock; reloading its budgets");
      } else if (outcome === "skipped_done") {
        logger.info({ slot }, "another process already computed this tick; reloading its budgets");
      }
    } catch (error) {
      const where = error instanceof BudgetComputationError ? { vertical: error.vertical, budget: error.budget } : {};
      logger.error(
        { err: error, reason: describeError(error), slot, ...where },
        "budget computation failed; keeping the last good budgets and retrying at the next tick",
      );
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

  /**
   * Opens and resolves escalation episodes for the budgets this process computed, and sends their
   * notifications. A failure is logged; pending notifications are retried at the next tick.
   */
  async #escalate(run: BudgetRun): Promise<void> {
    try {
      const report = await this.escalator.evaluate(run.budgets);
      if (report.opened.length > 0 || report.resolved.length > 0 || report.failures.length > 0) {
        logger.info(
          { runId: run.runId, opened: report.opened.length, resolved: report.resolved.length, failures: report.failures.length },
          "escalation evaluated",
        );
      }
    } catch (error) {
      logger.error({ err: error, reason: describeError(error), runId: run.runId }, "escalation failed; retrying at the next tick");
    }
  }

  /**
   * Starts the budget schedule. A tick that is due while the previous one still runs is skipped
   * (node-cron's noOverlap) and logged.
   */
  startSchedule(): void {
    const cronLogger = logger.child({ component: "node-cron" });
    this.#task = cron.schedule(this.config.computeSchedule, (context) => this.tick(slotOf(context.date)), {
      name: "budget-computation",
      noOverlap: true,
      logger: {
        info: (message) => cronLogger.debug(message),
        warn: (message) => cronLogger.debug(message),
        error: (message, error) => cronLogger.error({ err: error ?? message }, "budget schedule error"),
        debug: (message) => cronLogger.debug(message),
      },
    });
    this.#task.on("execution:overlap", (context) => {
      logger.warn({ slot: slotOf(context.date) }, "previous budget computation still running; skipping this tick");
    });
    logger.info({ schedule: this.config.computeSchedule }, "budget schedule started");
  }

  /** Decides on a deploy descriptor and queues the decision record. */
  decide(input: unknown, source: DecisionSource): { decision: Decision; decisionId: string } {
    const decision = this.engine.decide(input);
    const record = createDecisionRecord(source, input, decision, decision.revision);
    this.decisionLog.add(record);
    this.metrics.recordDecision(decision, source);
    return { decision, decisionId: record.decisionId };
  }

  /**
   * Decides on one Kubernetes object from its budgetgate.dev/* labels and annotations and queues the
   * decision record, as `decide` does. An object without a deploy type is not gated and is not
   * recorded, because every unlabelled Pod and ReplicaSet of a cluster would otherwise fill the log.
   * Its decisionId is null.
   */
  decideKubernetes(object: unknown, source: DecisionSource): { decision: KubernetesDecision; decisionId: string | null } {
    const decision = this.engine.decideKubernetes(object);
    if (!decision.gated) {
      return { decision, decisionId: null };
    }
    const record = createDecisionRecord(source, object, decision, decision.revision);
    this.decisionLog.add(record);
    this.metrics.recordDecision(decision, source);
    return { decision, decisionId: record.decisionId };
  }

  async close(): Promise<void> {
    await this.#task?.stop();
    await this.decisionLog.close();
    await this.db.close();
  }
}
