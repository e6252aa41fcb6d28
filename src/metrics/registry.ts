import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Every Prometheus metric of the service, named in this one place. Names follow Prometheus
 * conventions: `budgetgate_` prefix, base units, `_total` for counters.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly refreshFailures = new Counter({
    name: "budgetgate_budget_refresh_failures_total",
    help: "Times the newest budgets could not be loaded into the policy engine and the bundle server, which then kept the last good revision.",
    registers: [this.registry],
  });

  readonly bundleBuilds = new Counter({
    name: "budgetgate_bundle_builds_total",
    help: "OPA bundles built, one per new budget data revision.",
    registers: [this.registry],
  });

  readonly bundleAge: Gauge;

  constructor(bundleBuiltAt: () => Date | null) {
    this.bundleAge = new Gauge({
      name: "budgetgate_bundle_revision_age_seconds",
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
}
