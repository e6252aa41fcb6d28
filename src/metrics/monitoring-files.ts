import path from "node:path";
import type { LoadedBudgets } from "../budgets/load-budgets.ts";
import type { Config } from "../config/config.ts";
import { renderRuleFile } from "./alert-rules.ts";
import { renderDashboard } from "./dashboard.ts";

export const RULES_PATH = "deploy/prometheus/budgetgate-rules.yaml";
export const DASHBOARD_PATH = "deploy/grafana/budgetgate-dashboard.json";

/** A generated file: its path relative to the repository root and its text. */
export interface GeneratedFile {
  path: string;
  text: string;
}

/**
 * Renders the alert rules and the dashboard of a budgets file. The rule file's header names the
 * budgets file relative to `root`, so the output does not depend on where the repository lives.
 */
export function generateMonitoringFiles(loaded: LoadedBudgets, thresholds: Config["thresholds"], root: string): GeneratedFile[] {
  const relative = path.relative(root, loaded.file);
  const source = relative.startsWith("..") || path.isAbsolute(relative) ? path.basename(loaded.file) : relative.split(path.sep).join("/");
  return [
    { path: RULES_PATH, text: renderRuleFile(loaded.definitions, source) },
    { path: DASHBOARD_PATH, text: renderDashboard(loaded.definitions, thresholds) },
  ];
}
