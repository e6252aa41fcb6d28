import type { PolicyBudget, PolicyData } from "../../src/policy/data.ts";

/** Builds a budget with the given remaining fraction; override any field. */
export function buildBudget(remaining: number, overrides: Partial<PolicyBudget> = {}): PolicyBudget {
  const target = 0.95;
  const burn = (1 - remaining) * (1 - target);
  return {
    target,
    budget: 1 - target,
    sli: 1 - burn,
    burn,
    burn_rate: 1 - remaining,
    remaining,
    eligible: 10_000,
    good: Math.round(10_000 * (1 - burn)),
    status: "ok",
    burn_rates: {},
    alert: "none",
    recovers_at_ns: null,
    ...overrides,
  };
}

/**
 * Budget data for healthcare and salon computed at `computedAtMs`: every budget at 80 % remaining
 * unless `budgets` overrides it, e.g. `{healthcare: {quality: buildBudget(0.18)}}`.
 */
export function buildPolicyData(
  computedAtMs: number,
  budgets: Record<string, Record<string, PolicyBudget>> = {},
  overrides: Partial<PolicyData> = {},
): PolicyData {
  const names = ["availability", "latency", "stall", "quality", "cost"];
  const verticals: PolicyData["verticals"] = {};
  for (const vertical of ["healthcare", "salon"]) {
    const entries = names.map((name) => [name, budgets[vertical]?.[name] ?? buildBudget(0.8)] as const);
    verticals[vertical] = { budgets: Object.fromEntries(entries) };
  }
  return {
    revision: `test-${computedAtMs}`,
    computed_at_ns: computedAtMs * 1e6,
    config: {
      deploy_types: {
        platform: { budgets: ["availability", "latency", "stall"], fail_open: false },
        prompt: { budgets: ["quality"], fail_open: false },
        model: { budgets: ["quality"], fail_open: false },
        finance: { budgets: ["cost"], fail_open: false },
      },
      thresholds: { block: 0.25, escalate: 0.1, warn: 0.5 },
      stale_after_seconds: 900,
      no_data: "deny",
    },
    verticals,
    ...overrides,
  };
}
