import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ComputedBudget } from "../../src/budgets/compute.ts";
import { runBudgetComputation, type BudgetRun } from "../../src/budgets/run.ts";
import { loadConfig, type Config } from "../../src/config/config.ts";
import type { Database } from "../../src/db/database.ts";

/** A budgets file in a temporary folder; `remove` deletes the folder. */
export interface TempBudgetsFile {
  file: string;
  write(text: string): Promise<void>;
  remove(): Promise<void>;
}

export async function createBudgetsFile(text: string): Promise<TempBudgetsFile> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-budgets-"));
  const file = path.join(folder, "budgets.yaml");
  await writeFile(file, text);
  return {
    file,
    write: (next) => writeFile(file, next),
    remove: () => rm(folder, { recursive: true, force: true }),
  };
}

/** Builds the configuration of the tests: defaults, with the given budgets file. */
export function engineConfig(budgetsFile?: string, env: Record<string, string> = {}): Config {
  return loadConfig({ ...env, ...(budgetsFile === undefined ? {} : { BUDGETGATE_BUDGETS_FILE: budgetsFile }) });
}

/** Computes budgets for windows ending at `windowEnd`. */
export function computeAt(db: Database, windowEnd: Date, config: Config = engineConfig()): Promise<BudgetRun> {
  return runBudgetComputation(db, { windowEnd, config });
}

/** Finds the budget of a vertical (tenant null unless given); throws when it is missing. */
export function budgetOf(run: BudgetRun, vertical: string, name: string, tenantId: string | null = null): ComputedBudget {
  const found = run.budgets.find((budget) => budget.vertical === vertical && budget.name === name && budget.tenantId === tenantId);
  if (found === undefined) {
    throw new Error(`no ${name} budget for ${vertical}${tenantId === null ? "" : `/${tenantId}`}`);
  }
  return found;
}

/** Returns `at` moved by a number of minutes (negative for earlier). */
export function minutesFrom(at: Date, minutes: number): Date {
  return new Date(at.getTime() + minutes * 60_000);
}
