import { loadBudgetDefinitions } from "../budgets/definitions.ts";
import { readLatestBudgetRun } from "../budgets/repository.ts";
import type { Config } from "../config/config.ts";
import type { Queryable } from "../db/database.ts";
import { BudgetgateError } from "../errors.ts";
import { readPolicyRecord } from "./artifact.ts";
import { buildPolicyConfig, buildPolicyData, type PolicyData } from "./data.ts";
import type { BudgetRun } from "../budgets/repository.ts";

/** Budgets were never computed in this database. */
export class NoBudgetsError extends BudgetgateError {}

// The build record of the committed policy module does not change while a process runs.
let policyDigest: Promise<string> | undefined;

/** Builds data.budgetgate from the newest budget run and returns the run it was built from. */
export async function loadPolicyDataAndRun(db: Queryable, config: Config): Promise<{ data: PolicyData; run: BudgetRun }> {
  const run = await readLatestBudgetRun(db);
  if (run === null) {
    throw new NoBudgetsError("no budgets have been computed yet; run budgetgate compute (or budgetgate demo) first");
  }
  const definitions = await loadBudgetDefinitions(db);
  policyDigest ??= readPolicyRecord().then((record) => record.rego_sha256);
  const digest = await policyDigest.catch((error: unknown) => {
    policyDigest = undefined;
    throw error;
  });
  return { data: buildPolicyData(run, buildPolicyConfig(definitions, config), digest), run };
}

/** Builds data.budgetgate from the newest budget run in the database. */
export async function loadPolicyData(db: Queryable, config: Config): Promise<PolicyData> {
  return (await loadPolicyDataAndRun(db, config)).data;
}
