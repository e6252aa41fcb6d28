import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DASHBOARD_PATH, RULES_PATH } from "../../src/metrics/monitoring-files.ts";
import { runPromtool } from "./promtool.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RULES_FILE = path.join(ROOT, RULES_PATH);

function burnRate(vertical: string, tenant: string, budget: string, window: string, value: number) {
  return { series: `budgetgate_budget_burn_rate{vertical="${vertical}",tenant="${tenant}",budget="${budget}",window="${window}"}`, values: `${value}x10` };
}

describe("generated rules in promtool", () => {
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-promtool-"));
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it("passes check rules with lint", async () => {
    const result = await runPromtool(["check", "rules", "--lint-fatal", RULES_FILE]);
    expect(result.output).toContain("SUCCESS: 10 rules found");
    expect(result.code).toBe(0);
  });

  it("fires on both windows only", async () => {
    const tests = {
      rule_files: [RULES_FILE],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            // Page: 1h and 5m both above 8.4.
            burnRate("healthcare", "", "quality", "1h", 10),
            burnRate("healthcare", "", "quality", "5m", 12),
            // No alert: the long window burns, the short one has calmed down.
            burnRate("salon", "", "quality", "1h", 10),
            burnRate("salon", "", "quality", "5m", 1),
            // No alert: exactly at the factor, which the engine does not count as above it.
            burnRate("boundary", "", "quality", "1h", 8.4),
            burnRate("boundary", "", "quality", "5m", 8.4),
            // Page through the slower page condition: 6h and 30m above 2.8, for one tenant.
            burnRate("healthcare", "hc-a", "latency", "6h", 3),
            burnRate("healthcare", "hc-a", "latency", "30m", 4),
            // Ticket: 3d and 6h above 1.05, below every page factor.
            burnRate("real_estate", "", "availability", "3d", 1.2),
            burnRate("real_estate", "", "availability", "6h", 1.3),
          ],
          alert_rule_test: [
            {
              eval_time: "5m",
              alertname: "BudgetgateErrorBudgetBurn",
              exp_alerts: [
                {
                  exp_labels: { severity: "page", budget: "latency", vertical: "healthcare", tenant: "hc-a" },
                  exp_annotations: {
                    summary: "The latency error budget of healthcare, tenant hc-a, burns fast",
                    description:
                      "Burn rate 3.00 over the long window. This page fires at 5 % of the 7d budget in 1h (burn rate above 8.4 over 1h and 5m), or 10 % of the 7d budget in 6h (burn rate above 2.8 over 6h and 30m). Conditions come from the alerting section of the budgets file.",
                  },
                },
                {
                  exp_labels: { severity: "page", budget: "quality", vertical: "healthcare" },
                  exp_annotations: {
                    summary: "The quality error budget of healthcare burns fast",
                    description:
                      "Burn rate 10.00 over the long window. This page fires at 5 % of the 7d budget in 1h (burn rate above 8.4 over 1h and 5m), or 10 % of the 7d budget in 6h (burn rate above 2.8 over 6h and 30m). Conditions come from the alerting section of the budgets file.",
                  },
                },
                {
                  exp_labels: { severity: "ticket", budget: "availability", vertical: "real_estate" },
                  exp_annotations: {
                    summary: "The availability error budget of real_estate burns steadily",
                    description:
                      "Burn rate 1.20 over the long window. This ticket fires at 20 % of the 7d budget in 1d (burn rate above 1.4 over 1d and 2h), or 45 % of the 7d budget in 3d (burn rate above 1.05 over 3d and 6h). Conditions come from the alerting section of the budgets file.",
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const file = path.join(folder, "rules-test.yaml");
    await writeFile(file, stringify(tests));
    const result = await runPromtool(["test", "rules", file]);
    expect(result.output).toContain("SUCCESS");
    expect(result.code).toBe(0);
  });

  it("accepts dashboard queries as PromQL", async () => {
    const dashboard = JSON.parse(await readFile(path.join(ROOT, DASHBOARD_PATH), "utf8"));
    // Grafana replaces the variables before querying; `.*` is what "All" becomes.
    const substitute = (expr: string) => expr.replaceAll(/\$(vertical|tenant|window)/g, ".*");
    const queries: string[] = dashboard.panels.flatMap((panel: { targets: { expr: string }[] }) => panel.targets.map((target) => substitute(target.expr)));
    for (const variable of dashboard.templating.list) {
      const inner = /^label_values\((.+), \w+\)$/.exec(variable.definition ?? "")?.[1];
      if (inner !== undefined) {
        queries.push(substitute(inner));
      }
    }
    expect(queries.length).toBeGreaterThan(10);
    const rules = { groups: [{ name: "dashboard", rules: queries.map((expr, index) => ({ record: `dashboard_query_${index}`, expr })) }] };
    const file = path.join(folder, "dashboard-queries.yaml");
    await writeFile(file, stringify(rules));
    const result = await runPromtool(["check", "rules", file]);
    expect(result.output).toContain(`SUCCESS: ${queries.length} rules found`);
    expect(result.code).toBe(0);
  });
});
