import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptyBurnRates } from "../../src/budgets/alerts.ts";
import type { ComputedBudget } from "../../src/budgets/compute.ts";
import { readLatestBudgetRun } from "../../src/budgets/repository.ts";
import { deployTypeLabel, METRIC_NAMES, Metrics } from "../../src/metrics/registry.ts";
import type { Decision } from "../../src/policy/decision.ts";
import { createTestPglite, type TestDatabase } from "../helpers/database.ts";
import { startTestService, type RunningService } from "../helpers/service.ts";

function budget(overrides: Partial<ComputedBudget>): ComputedBudget {
  return {
    vertical: "healthcare",
    tenantId: null,
    name: "quality",
    target: 0.95,
    budget: 0.05,
    sli: 0.99,
    burn: 0.01,
    burnRate: 0.2,
    remaining: 0.8,
    eligible: 1000,
    good: 990,
    status: "ok",
    windowStart: new Date("2026-06-01T00:00:00Z"),
    windowEnd: new Date("2026-06-08T00:00:00Z"),
    burnRates: { ...emptyBurnRates(), "1h": 2.5, "5m": 3 },
    alert: "none",
    recoversAt: null,
    ...overrides,
  };
}

function decision(overrides: Partial<Decision>): Decision {
  return {
    allow: true,
    deploy: { type: "prompt", vertical: "healthcare" },
    required_budgets: ["quality"],
    violations: [],
    warnings: [],
    escalations: [],
    revision: "r1",
    break_glass: null,
    ...overrides,
  };
}

async function text(metrics: Metrics, name: string): Promise<string> {
  return metrics.registry.getSingleMetricAsString(name);
}

describe("budget gauges", () => {
  it("exports remaining, burn rates and alerts", async () => {
    const metrics = new Metrics(() => null);
    metrics.recordBudgets([budget({ alert: "page" }), budget({ tenantId: "hc-a", remaining: 0.2, alert: "ticket" })]);
    const remaining = await text(metrics, METRIC_NAMES.budgetRemaining);
    expect(remaining).toContain('budgetgate_budget_remaining_ratio{vertical="healthcare",tenant="",budget="quality"} 0.8');
    expect(remaining).toContain('budgetgate_budget_remaining_ratio{vertical="healthcare",tenant="hc-a",budget="quality"} 0.2');
    const rates = await text(metrics, METRIC_NAMES.budgetBurnRate);
    expect(rates).toContain('budgetgate_budget_burn_rate{vertical="healthcare",tenant="",budget="quality",window="1h"} 2.5');
    expect(rates).toContain('budgetgate_budget_burn_rate{vertical="healthcare",tenant="",budget="quality",window="5m"} 3');
    expect(rates).not.toContain('window="6h"');
    const alerts = await text(metrics, METRIC_NAMES.budgetAlert);
    expect(alerts).toContain('budgetgate_budget_alert{vertical="healthcare",tenant="",budget="quality",severity="page"} 1');
    expect(alerts).toContain('budgetgate_budget_alert{vertical="healthcare",tenant="",budget="quality",severity="ticket"} 0');
    expect(alerts).toContain('budgetgate_budget_alert{vertical="healthcare",tenant="hc-a",budget="quality",severity="ticket"} 1');
  });

  it("drops budgets missing from next run", async () => {
    const metrics = new Metrics(() => null);
    metrics.recordBudgets([budget({}), budget({ vertical: "salon" })]);
    metrics.recordBudgets([budget({ vertical: "salon", remaining: 0.5 })]);
    const remaining = await text(metrics, METRIC_NAMES.budgetRemaining);
    expect(remaining).not.toContain('vertical="healthcare"');
    expect(remaining).toContain('budgetgate_budget_remaining_ratio{vertical="salon",tenant="",budget="quality"} 0.5');
  });

  it("omits remaining without data", async () => {
    const metrics = new Metrics(() => null);
    metrics.recordBudgets([budget({ status: "no_data", remaining: null, burnRates: emptyBurnRates() })]);
    expect(await text(metrics, METRIC_NAMES.budgetRemaining)).not.toContain("{");
    expect(await text(metrics, METRIC_NAMES.budgetBurnRate)).not.toContain("{");
    expect(await text(metrics, METRIC_NAMES.budgetAlert)).toContain('severity="page"} 0');
  });
});

describe("decision counter", () => {
  it("counts outcomes by deploy type and source", async () => {
    const metrics = new Metrics(() => null);
    metrics.recordDecision(decision({}), "api");
    metrics.recordDecision(decision({}), "api");
    metrics.recordDecision(decision({ allow: false }), "admission");
    const counted = await text(metrics, METRIC_NAMES.decisions);
    expect(counted).toContain('budgetgate_decisions_total{outcome="allow",deploy_type="prompt",source="api"} 2');
    expect(counted).toContain('budgetgate_decisions_total{outcome="deny",deploy_type="prompt",source="admission"} 1');
  });

  it.each([
    { case: "unknown type", decision: decision({ violations: [{ code: "unknown_deploy_type", vertical: null, budget: null, remaining: null, threshold: null, message: "" }] }) },
    { case: "missing deploy", decision: decision({ deploy: null }) },
    { case: "non-string type", decision: decision({ deploy: { type: 42 } }) },
    { case: "malformed type", decision: decision({ deploy: { type: "Prompt; drop table" } }) },
    { case: "overlong type", decision: decision({ deploy: { type: "a".repeat(65) } }) },
  ])("labels $case as unknown", ({ decision }) => {
    expect(deployTypeLabel(decision)).toBe("unknown");
  });
});

describe("engine run metrics", () => {
  it("observes durations and counts errors", async () => {
    const metrics = new Metrics(() => null);
    metrics.recordRun(0.3, true);
    metrics.recordRun(4, false);
    const durations = await text(metrics, METRIC_NAMES.engineRunDuration);
    expect(durations).toContain("budgetgate_engine_run_duration_seconds_count 2");
    expect(durations).toContain("budgetgate_engine_run_duration_seconds_sum 4.3");
    expect(durations).toContain('budgetgate_engine_run_duration_seconds_bucket{le="0.5"} 1');
    expect(await text(metrics, METRIC_NAMES.engineRunErrors)).toContain("budgetgate_engine_run_errors_total 1");
  });

  it("registers every named metric", async () => {
    const metrics = new Metrics(() => null);
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
    for (const name of Object.values(METRIC_NAMES)) {
      expect(names).toContain(name);
    }
  });
});

describe("GET /metrics", () => {
  let test: TestDatabase;
  let service: RunningService;

  beforeAll(async () => {
    test = await createTestPglite();
    service = await startTestService(test.db);
  });

  afterAll(async () => {
    await service?.stop();
    await test?.drop();
  });

  it("serves recorded budgets", async () => {
    await test.db.query("insert into calls (vertical, created_at, connected, ok, first_response_ms, max_silence_ms, cost_usd) values ('salon', now() - interval '1 hour', true, true, 300, 100, 0.1)");
    await service.service.tick();
    const run = await readLatestBudgetRun(test.db);
    service.service.metrics.recordBudgets(run!.budgets);
    const response = await fetch(`${service.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const body = await response.text();
    expect(body).toContain('budgetgate_budget_remaining_ratio{vertical="salon",tenant="",budget="quality"} 1');
    expect(body).toContain("# TYPE budgetgate_engine_run_duration_seconds histogram");
  });
});
