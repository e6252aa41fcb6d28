import { loadBudgetDefinitions } from "../budgets/definitions.ts";
import { readLatestBudgetRun } from "../budgets/repository.ts";
import type { Config } from "../config/config.ts";
import type { Queryable } from "../db/database.ts";
import { BudgetgateError } from "../errors.ts";
import { readPolicyRecord } from "./artifact.ts";
import { buildPolicyConfig, buildPolicyData, type PolicyData } from "./data.ts";

/** Budgets were never computed in this database. */
export class NoBudgetsError extends BudgetgateError {}

/** Builds data.budgetgate from the newest budget run in the database. */
export async function loadPolicyData(db: Queryable, config: Config): Promise<PolicyData> {
  const run = await readLatestBudgetRun(db);
  if (run === null) {
    throw new NoBudgetsError("no budgets have been computed yet; run budgetgate compute (or budgetgate demo) first");
  }
  const definitions = await loadBudgetDefinitions(db);
  const record = await readPolicyRecord();
  return buildPolicyData(run, buildPolicyConfig(definitions, config), record.rego_sha256);
}
