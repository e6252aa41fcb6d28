import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { BudgetRun } from "../budgets/repository.ts";
import { deployTypeBudgets, type BudgetDefinition } from "../budgets/definitions.ts";
import type { Config } from "../config/config.ts";

/** One budget as the policy reads it (snake_case, as in data.json). */
export interface PolicyBudget {
  target: number;
  budget: number;
  sli: number | null;
  burn: number | null;
  burn_rate: number | null;
  remaining: number | null;
  eligible: number;
  good: number;
  status: "ok" | "no_data";
  /** Burn rate per window name (5m, 30m, 1h, …), null where the window has no data. */
  burn_rates: Record<string, number | null>;
  /** Multi-window burn-rate alert level. */
  alert: "page" | "ticket" | "none";
  /** When remaining climbs back to the block threshold if no new errors arrive, in ns since the epoch. */
  recovers_at_ns: number | null;
}

export interface PolicyConfig {
  deploy_types: Record<string, { budgets: string[]; fail_open: boolean }>;
  thresholds: { block: number; escalate: number; warn: number };
  stale_after_seconds: number;
  no_data: "deny" | "allow";
}

/** The document stored under data.budgetgate: in the Wasm engine, in bundles and in snapshots. */
export interface PolicyData {
  revision: string;
  computed_at_ns: number;
  config: PolicyConfig;
  verticals: Record<string, { budgets: Record<string, PolicyBudget> }>;
}

/** Builds the policy configuration from the budget definitions and the service configuration. */
export function buildPolicyConfig(
  definitions: readonly BudgetDefinition[],
  config: Pick<Config, "thresholds" | "staleAfterSeconds" | "failOpenDeployTypes" | "noData">,
): PolicyConfig {
  const deployTypes: PolicyConfig["deploy_types"] = {};
  for (const [deployType, budgets] of Object.entries(deployTypeBudgets(definitions))) {
    deployTypes[deployType] = { budgets, fail_open: config.failOpenDeployTypes.includes(deployType) };
  }
  return {
    deploy_types: deployTypes,
    thresholds: { ...config.thresholds },
    stale_after_seconds: config.staleAfterSeconds,
    no_data: config.noData,
  };
}

/**
 * Builds data.budgetgate from a budget run. The revision is a digest of the policy sources and of
 * this content, so equal budgets under equal policy give equal revisions.
 */
export function buildPolicyData(run: BudgetRun, policyConfig: PolicyConfig, policyDigest: string): PolicyData {
  const verticals: PolicyData["verticals"] = {};
  for (const budget of run.budgets) {
    if (budget.tenantId !== null) {
      continue;
    }
    const vertical = (verticals[budget.vertical] ??= { budgets: {} });
    vertical.budgets[budget.name] = {
      target: budget.target,
      budget: budget.budget,
      sli: budget.sli,
      burn: budget.burn,
      burn_rate: budget.burnRate,
      remaining: budget.remaining,
      eligible: budget.eligible,
      good: budget.good,
      status: budget.status,
      burn_rates: { ...budget.burnRates },
      alert: budget.alert,
      recovers_at_ns: budget.recoversAt === null ? null : budget.recoversAt.getTime() * 1e6,
    };
  }
  const content = {
    computed_at_ns: run.windowEnd.getTime() * 1e6,
    config: policyConfig,
    verticals,
  };
  return { revision: revisionOf(policyDigest, content), ...content };
}

/** Digest naming a policy and its data: the first 20 hex digits of sha256 over both. */
export function revisionOf(policyDigest: string, content: unknown): string {
  const canonical = canonicalize({ policy: policyDigest, data: content }) ?? "";
  return createHash("sha256").update(canonical).digest("hex").slice(0, 20);
}
