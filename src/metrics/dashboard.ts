/**
 * The Grafana dashboard of the error budgets, generated from the budget definitions: a table of
 * firing alerts and one panel per budget with the remaining fraction and the burn rates. Pure: no
 * files and no clock.
 */
import { BURN_WINDOWS } from "../budgets/alerts.ts";
import type { BudgetDefinition } from "../budgets/definitions.ts";
import { formatDuration } from "../budgets/durations.ts";
import type { Config } from "../config/config.ts";
import { METRIC_NAMES } from "./registry.ts";

export const DASHBOARD_UID = "budgetgate-error-budgets";
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 9;
const ALERTS_HEIGHT = 7;

type Thresholds = Config["thresholds"];

/** Label matchers of the dashboard variables; `budget` is fixed per panel. */
function matchers(budget: string | null, window = false): string {
  const parts = [budget === null ? null : `budget=${JSON.stringify(budget)}`, 'vertical=~"$vertical"', 'tenant=~"$tenant"'];
  if (window) {
    parts.push('window=~"$window"');
  }
  return `{${parts.filter((part) => part !== null).join(", ")}}`;
}

function queryVariable(name: string, label: string, query: string) {
  return {
    name,
    label,
    type: "query",
    datasource: DATASOURCE,
    query: { query, refId: `${name}-variable` },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    // `.*` also matches tenant="", the budgets of whole verticals.
    allValue: ".*",
    current: { selected: true, text: ["All"], value: ["$__all"] },
    sort: 1,
  };
}

function templating() {
  return {
    list: [
      { name: "datasource", label: "Prometheus", type: "datasource", query: "prometheus", current: {} },
      queryVariable("vertical", "Vertical", `label_values(${METRIC_NAMES.budgetRemaining}, vertical)`),
      queryVariable("tenant", "Tenant", `label_values(${METRIC_NAMES.budgetRemaining}{vertical=~"$vertical"}, tenant)`),
      {
        name: "window",
        label: "Burn-rate window",
        type: "custom",
        query: BURN_WINDOWS.join(","),
        includeAll: true,
        multi: true,
        allValue: ".*",
        current: { selected: true, text: ["All"], value: ["$__all"] },
        options: [],
      },
    ],
  };
}

function alertsPanel() {
  return {
    id: 1,
    type: "table",
    title: "Firing burn-rate alerts",
    description: "Budgets whose multiwindow burn-rate alert fires in the budget engine, by severity.",
    datasource: DATASOURCE,
    gridPos: { x: 0, y: 0, w: 2 * PANEL_WIDTH, h: ALERTS_HEIGHT },
    targets: [
      {
        refId: "A",
        datasource: DATASOURCE,
        expr: `${METRIC_NAMES.budgetAlert}${matchers(null)} == 1`,
        instant: true,
        format: "table",
      },
    ],
    transformations: [{ id: "organize", options: { excludeByName: { Time: true, Value: true, __name__: true, instance: true, job: true } } }],
    fieldConfig: { defaults: {}, overrides: [] },
    options: { showHeader: true },
  };
}

function budgetPanel(definition: BudgetDefinition, index: number, thresholds: Thresholds) {
  const window = formatDuration(definition.windowSeconds * 1000);
  return {
    id: index + 2,
    type: "timeseries",
    title: `${definition.name}: remaining and burn rates`,
    description: `${definition.description || definition.name} (${definition.sli}, ${window} window). Left axis: remaining fraction of the budget; right axis: burn rate per window, where 1 spends exactly the budget over ${window}.`,
    datasource: DATASOURCE,
    gridPos: { x: (index % 2) * PANEL_WIDTH, y: ALERTS_HEIGHT + Math.floor(index / 2) * PANEL_HEIGHT, w: PANEL_WIDTH, h: PANEL_HEIGHT },
    targets: [
      {
        refId: "A",
        datasource: DATASOURCE,
        expr: `${METRIC_NAMES.budgetRemaining}${matchers(definition.name)}`,
        legendFormat: "{{vertical}} {{tenant}} remaining",
      },
      {
        refId: "B",
        datasource: DATASOURCE,
        expr: `${METRIC_NAMES.budgetBurnRate}${matchers(definition.name, true)}`,
        legendFormat: "{{vertical}} {{tenant}} burn rate {{window}}",
      },
    ],
    fieldConfig: {
      defaults: {
        unit: "percentunit",
        decimals: 1,
        custom: { axisLabel: "remaining", thresholdsStyle: { mode: "dashed" } },
        // Below escalate the gate escalates, below block it denies deploys, below warn it warns.
        thresholds: {
          mode: "absolute",
          steps: [
            { color: "dark-red", value: null },
            { color: "red", value: thresholds.escalate },
            { color: "orange", value: thresholds.block },
            { color: "green", value: thresholds.warn },
          ],
        },
      },
      overrides: [
        {
          matcher: { id: "byFrameRefID", options: "B" },
          properties: [
            { id: "unit", value: "none" },
            { id: "decimals", value: 2 },
            { id: "custom.axisPlacement", value: "right" },
            { id: "custom.axisLabel", value: "burn rate" },
            { id: "custom.thresholdsStyle", value: { mode: "off" } },
          ],
        },
      ],
    },
    options: { legend: { displayMode: "table", placement: "bottom", calcs: ["lastNotNull"] }, tooltip: { mode: "multi", sort: "desc" } },
  };
}

/** Builds the dashboard model; thresholds are the engine's block, escalate and warn levels. */
export function buildDashboard(definitions: readonly BudgetDefinition[], thresholds: Thresholds) {
  return {
    uid: DASHBOARD_UID,
    title: "budgetgate error budgets",
    description: "Generated by scripts/generate-monitoring.ts from the budgets file; do not edit.",
    tags: ["budgetgate", "slo"],
    timezone: "utc",
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: "1m",
    time: { from: "now-7d", to: "now" },
    annotations: { list: [] },
    templating: templating(),
    panels: [alertsPanel(), ...definitions.map((definition, index) => budgetPanel(definition, index, thresholds))],
  };
}

/** Renders the dashboard as JSON with two-space indentation and a final newline. */
export function renderDashboard(definitions: readonly BudgetDefinition[], thresholds: Thresholds): string {
  return `${JSON.stringify(buildDashboard(definitions, thresholds), null, 2)}\n`;
}
