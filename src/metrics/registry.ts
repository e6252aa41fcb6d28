import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { BURN_WINDOWS } from "../budgets/alerts.ts";
import type { ComputedBudget } from "../budgets/compute.ts";
import type { DecisionSource } from "../decisions/record.ts";
import type { Decision } from "../policy/decision.ts";

/**
 * Names of budgetgate's Prometheus metrics, kept in this one place: the registry below, the
 * generated alert rules and the generated dashboard all read them from here.
 */
export const METRIC_NAMES = {
  refreshFailures: "budgetgate_budget_refresh_failures_total",
  bundleBuilds: "budgetgate_bundle_builds_total",
  bundleAge: "budgetgate_bundle_revision_age_seconds",
  budgetRemaining: "budgetgate_budget_remaining_ratio",
  budgetBurnRate: "budgetgate_budget_burn_rate",
  budgetAlert: "budgetgate_budget_alert",
  decisions: "budgetgate_decisions_total",
  engineRunDuration: "budgetgate_engine_run_duration_seconds",
  engineRunErrors: "budgetgate_engine_run_errors_total",
} as const;

/** Alert severities exported by budgetgate_budget_alert; each budget has one series per severity. */
export const ALERT_SEVERITIES = ["page", "ticket"] as const;

/** Violation codes that mean the deploy type of a decision is missing or not defined by the policy. */
const UNKNOWN_DEPLOY_TYPE_CODES = new Set(["missing_deploy_type", "unknown_deploy_type"]);
const DEPLOY_TYPE_LABEL_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

/** Returns the deploy_type label of a decision; `unknown` keeps arbitrary input out of the label values. */
export function deployTypeLabel(decision: Pick<Decision, "deploy" | "violations">): string {
  const type = decision.deploy?.type;
  if (typeof type !== "string" || !DEPLOY_TYPE_LABEL_PATTERN.test(type)) {
    return "unknown";
  }
  return decision.violations.some((finding) => UNKNOWN_DEPLOY_TYPE_CODES.has(finding.code)) ? "unknown" : type;
}

/**
 * Every Prometheus metric of the service. Names follow Prometheus conventions: `budgetgate_`
 * prefix, base units, `_total` for counters. Budget series carry `tenant=""` for the budget of a
 * whole vertical.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly refreshFailures = new Counter({
    name: METRIC_NAMES.refreshFailures,
    help: "Times the newest budgets could not be loaded into the policy engine and the bundle server, which then kept the last good revision.",
    registers: [this.registry],
  });

  readonly bundleBuilds = new Counter({
    name: METRIC_NAMES.bundleBuilds,
    help: "OPA bundles built, one per new budget data revision.",
    registers: [this.registry],
  });

  readonly bundleAge: Gauge;

  readonly budgetRemaining = new Gauge({
    name: METRIC_NAMES.budgetRemaining,
    help: "Remaining fraction of the error budget over its window: 1 untouched, 0 spent, negative overspent. Absent without data.",
    labelNames: ["vertical", "tenant", "budget"] as const,
    registers: [this.registry],
  });

  readonly budgetBurnRate = new Gauge({
    name: METRIC_NAMES.budgetBurnRate,
    help: "Burn rate of the error budget over a burn-rate window; 1 spends exactly the budget over the budget window. Absent where the window has no events.",
    labelNames: ["vertical", "tenant", "budget", "window"] as const,
    registers: [this.registry],
  });

  readonly budgetAlert = new Gauge({
    name: METRIC_NAMES.budgetAlert,
    help: "1 while the budget engine's multiwindow burn-rate alert of this severity fires, else 0.",
    labelNames: ["vertical", "tenant", "budget", "severity"] as const,
    registers: [this.registry],
  });

  readonly decisions = new Counter({
    name: METRIC_NAMES.decisions,
    help: "Gate decisions by outcome (allow, deny), deploy type (unknown for types the policy does not define) and source.",
    labelNames: ["outcome", "deploy_type", "source"] as const,
    registers: [this.registry],
  });

  readonly engineRunDuration = new Histogram({
    name: METRIC_NAMES.engineRunDuration,
    help: "Duration of budget computations, successful or failed, in seconds.",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });

  readonly engineRunErrors = new Counter({
    name: METRIC_NAMES.engineRunErrors,
    help: "Budget computations that failed; the last good budgets then stay in use.",
    registers: [this.registry],
  });

  constructor(bundleBuiltAt: () => Date | null) {
    this.bundleAge = new Gauge({
      name: METRIC_NAMES.bundleAge,
      help: "Seconds since the served bundle revision was built; grows while budgets cannot be refreshed.",
      registers: [this.registry],
      collect() {
        const builtAt = bundleBuiltAt();
        if (builtAt !== null) {
          this.set((Date.now() - builtAt.getTime()) / 1000);
        }
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: "budgetgate_process_" });
  }

  /**
   * Replaces the budget gauges with the budgets of one run, so a budget that is no longer computed
   * disappears. Null values (no data) export no sample.
   */
  recordBudgets(budgets: readonly ComputedBudget[]): void {
    this.budgetRemaining.reset();
    this.budgetBurnRate.reset();
    this.budgetAlert.reset();
    for (const budget of budgets) {
      const labels = { vertical: budget.vertical, tenant: budget.tenantId ?? "", budget: budget.name };
      if (budget.remaining !== null) {
        this.budgetRemaining.set(labels, budget.remaining);
      }
      for (const window of BURN_WINDOWS) {
        const rate = budget.burnRates[window];
        if (rate !== null) {
          this.budgetBurnRate.set({ ...labels, window }, rate);
        }
      }
      for (const severity of ALERT_SEVERITIES) {
        this.budgetAlert.set({ ...labels, severity }, budget.alert === severity ? 1 : 0);
      }
    }
  }

  /** Counts one gate decision. */
  recordDecision(decision: Pick<Decision, "allow" | "deploy" | "violations">, source: DecisionSource): void {
    this.decisions.inc({ outcome: decision.allow ? "allow" : "deny", deploy_type: deployTypeLabel(decision), source });
  }

  /** Records one budget computation: its duration in seconds, and an error when it failed. */
  recordRun(durationSeconds: number, ok: boolean): void {
    this.engineRunDuration.observe(durationSeconds);
    if (!ok) {
      this.engineRunErrors.inc();
    }
  }
}
