import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { alertFactor, BURN_WINDOW_MS } from "../../src/budgets/alerts.ts";
import { DEFAULT_BUDGETS_FILE, loadBudgetsFile, parseBudgetsText } from "../../src/budgets/load-budgets.ts";
import { loadConfig } from "../../src/config/config.ts";
import { ALERT_NAME, buildRuleFile, RULE_GROUP_NAME } from "../../src/metrics/alert-rules.ts";
import { buildDashboard } from "../../src/metrics/dashboard.ts";
import { DASHBOARD_PATH, generateMonitoringFiles, RULES_PATH } from "../../src/metrics/monitoring-files.ts";
import { METRIC_NAMES } from "../../src/metrics/registry.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function generatedDefaults() {
  return generateMonitoringFiles(await loadBudgetsFile(DEFAULT_BUDGETS_FILE), loadConfig({}).thresholds, ROOT);
}

describe("committed monitoring files", () => {
  it.each([RULES_PATH, DASHBOARD_PATH])("%s matches generator output", async (file) => {
    const generated = (await generatedDefaults()).find((entry) => entry.path === file)!;
    const committed = await readFile(`${ROOT}${file}`, "utf8");
    expect(committed, `${file} is out of date; run npm run generate:monitoring`).toBe(generated.text);
  });
});

describe("alert rule structure", () => {
  it("has page and ticket rule per budget", async () => {
    const loaded = await loadBudgetsFile(DEFAULT_BUDGETS_FILE);
    const document = parse(await readFile(`${ROOT}${RULES_PATH}`, "utf8"));
    expect(document.groups).toHaveLength(1);
    expect(document.groups[0].name).toBe(RULE_GROUP_NAME);
    const rules = document.groups[0].rules as { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[];
    expect(rules).toHaveLength(loaded.definitions.length * 2);
    for (const definition of loaded.definitions) {
      const own = rules.filter((rule) => rule.labels.budget === definition.name);
      expect(own.map((rule) => rule.labels.severity)).toEqual(["page", "ticket"]);
      for (const rule of own) {
        expect(rule.alert).toBe(ALERT_NAME);
        expect(rule.expr.startsWith("max without (window) (")).toBe(true);
        expect(rule.annotations.summary).toContain("{{ $labels.vertical }}");
        const selectors = [...rule.expr.matchAll(/(\w+)\{budget="(\w+)", window="(\w+)"\} > ([\d.]+)/g)];
        expect(selectors).toHaveLength(4);
        for (const [, metric, budget] of selectors) {
          expect(metric).toBe(METRIC_NAMES.budgetBurnRate);
          expect(budget).toBe(definition.name);
        }
      }
    }
  });

  it("uses engine factors for each condition", async () => {
    const loaded = await loadBudgetsFile(DEFAULT_BUDGETS_FILE);
    const rules = buildRuleFile(loaded.definitions).groups[0]!.rules;
    for (const definition of loaded.definitions) {
      for (const severity of ["page", "ticket"] as const) {
        const rule = rules.find((candidate) => candidate.labels.budget === definition.name && candidate.labels.severity === severity)!;
        for (const condition of definition.alerting[severity]) {
          const factor = alertFactor(condition.budgetSpent, definition.windowSeconds * 1000, BURN_WINDOW_MS[condition.long]);
          const pattern = new RegExp(`window="${condition.long}"\\} > ([\\d.]+)\\n\\s+and ignoring \\(window\\)\\n[^\\n]*window="${condition.short}"\\} > ([\\d.]+)`);
          const match = pattern.exec(rule.expr);
          expect(match, `${definition.name} ${severity} ${condition.long}/${condition.short}`).not.toBeNull();
          expect(Number(match![1])).toBeCloseTo(factor, 9);
          expect(Number(match![2])).toBeCloseTo(factor, 9);
        }
      }
    }
  });

  it("follows alerting of budgets file", () => {
    const loaded = parseBudgetsText(
      `budgets:
  - name: checkout
    sli: availability
    target: 0.999
    window: 30d
    gates: [platform]
    alerting:
      page: [{ long: 1h, short: 5m, budget_spent: 0.02 }]
      ticket: []
`,
      "inline.yaml",
    );
    const rules = buildRuleFile(loaded.definitions).groups[0]!.rules;
    expect(rules).toHaveLength(1);
    expect(rules[0]!.labels).toEqual({ severity: "page", budget: "checkout" });
    // 2 % of a 30-day budget within one hour: 0.02 × 720 = 14.4.
    expect(rules[0]!.expr).toContain('budgetgate_budget_burn_rate{budget="checkout", window="1h"} > 14.4');
    expect(rules[0]!.annotations.description).toContain("2 % of the 30d budget in 1h (burn rate above 14.4 over 1h and 5m)");
  });
});

describe("dashboard structure", () => {
  it("has one panel per budget", async () => {
    const loaded = await loadBudgetsFile(DEFAULT_BUDGETS_FILE);
    const dashboard = JSON.parse(await readFile(`${ROOT}${DASHBOARD_PATH}`, "utf8"));
    const panels = dashboard.panels as { id: number; title: string; type: string; gridPos: { x: number; y: number; w: number; h: number }; targets: { expr: string }[] }[];
    expect(panels.map((panel) => panel.title)).toEqual(["Firing burn-rate alerts", ...loaded.definitions.map((definition) => `${definition.name}: remaining and burn rates`)]);
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels.slice(1)) {
      const [remaining, burnRates] = panel.targets;
      expect(remaining!.expr.startsWith(`${METRIC_NAMES.budgetRemaining}{`)).toBe(true);
      expect(burnRates!.expr.startsWith(`${METRIC_NAMES.budgetBurnRate}{`)).toBe(true);
      expect(burnRates!.expr).toContain('window=~"$window"');
    }
  });

  it("lays out panels without overlap", async () => {
    const loaded = await loadBudgetsFile(DEFAULT_BUDGETS_FILE);
    const panels = buildDashboard(loaded.definitions, loadConfig({}).thresholds).panels;
    const cells = new Set<string>();
    for (const { gridPos } of panels) {
      expect(gridPos.x + gridPos.w).toBeLessThanOrEqual(24);
      for (let x = gridPos.x; x < gridPos.x + gridPos.w; x += 1) {
        for (let y = gridPos.y; y < gridPos.y + gridPos.h; y += 1) {
          expect(cells.has(`${x},${y}`), `cell ${x},${y} is used twice`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });

  it("draws engine thresholds", () => {
    const thresholds = loadConfig({ BUDGETGATE_BLOCK_BELOW: "0.3", BUDGETGATE_ESCALATE_BELOW: "0.05" }).thresholds;
    const panel = buildDashboard(parseBudgetsText("budgets: [{name: q, sli: quality, target: 0.9, gates: [prompt]}]", "x.yaml").definitions, thresholds).panels[1] as {
      fieldConfig: { defaults: { thresholds: { steps: { value: number | null }[] } } };
    };
    expect(panel.fieldConfig.defaults.thresholds.steps.map((step) => step.value)).toEqual([null, 0.05, 0.3, 0.5]);
  });
});
