import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import { DatabaseError, describeError } from "../errors.ts";
import { BURN_WINDOWS, DEFAULT_ALERTING, type AlertingPolicy } from "./alerts.ts";

export type SliKind = "availability" | "latency" | "stall" | "quality" | "cost";

export const SLI_KINDS: readonly SliKind[] = ["availability", "latency", "stall", "quality", "cost"];

/** Target, threshold or allowed overrun of one budget for one vertical, or one tenant of it. */
export interface BudgetOverride {
  vertical: string;
  /** Null for an override of the whole vertical. */
  tenant: string | null;
  target: number | null;
  thresholdMs: number | null;
  allowedOverrun: number | null;
}

/** One budget as configured in the budget_definitions table. */
export interface BudgetDefinition {
  name: string;
  description: string;
  sli: SliKind;
  /** SLO target of a ratio budget; null for the cost budget. */
  target: number | null;
  /** Allowed overrun of the cost budget (0.15 = 15 %); null for ratio budgets. */
  allowedOverrun: number | null;
  /** Good-event limit of the latency and stall budgets, in milliseconds. */
  thresholdMs: number | null;
  windowSeconds: number;
  /** Baseline period of the cost budget, in seconds before the window. */
  baselineSeconds: number | null;
  /** Deploy types this budget gates. */
  gates: string[];
  /** Per-vertical and per-tenant overrides; empty for budgets defined by the migrations alone. */
  overrides: BudgetOverride[];
  /** Multiwindow burn-rate alerting of this budget. */
  alerting: AlertingPolicy;
}

const burnWindowSchema = z.enum(BURN_WINDOWS);

/** JSON form of AlertingPolicy in budget_definitions.alerting (snake_case, as in the budgets file). */
export const storedAlertingSchema = z.object({
  min_events: z.number().int().min(0),
  page: z.array(z.object({ long: burnWindowSchema, short: burnWindowSchema, budget_spent: z.number() })),
  ticket: z.array(z.object({ long: burnWindowSchema, short: burnWindowSchema, budget_spent: z.number() })),
});

/** JSON form of one BudgetOverride in budget_definitions.overrides. */
export const storedOverrideSchema = z.object({
  vertical: z.string(),
  tenant: z.string().nullable(),
  target: z.number().nullable(),
  threshold_ms: z.number().int().nullable(),
  allowed_overrun: z.number().nullable(),
});

const rowSchema = z.object({
  name: z.string(),
  description: z.string(),
  sli: z.enum(["availability", "latency", "stall", "quality", "cost"]),
  target: z.number().nullable(),
  allowed_overrun: z.number().nullable(),
  threshold_ms: z.number().int().nullable(),
  window_seconds: z.number().int().positive(),
  baseline_seconds: z.number().int().positive().nullable(),
  gates: z.array(z.string()),
  overrides: z.array(storedOverrideSchema).nullish(),
  alerting: storedAlertingSchema.nullish(),
});

/** Converts an alerting policy to the JSON stored in budget_definitions.alerting. */
export function alertingToJson(policy: AlertingPolicy): z.infer<typeof storedAlertingSchema> {
  const pair = (condition: AlertingPolicy["page"][number]) => ({
    long: condition.long,
    short: condition.short,
    budget_spent: condition.budgetSpent,
  });
  return { min_events: policy.minEvents, page: policy.page.map(pair), ticket: policy.ticket.map(pair) };
}

function alertingFromJson(stored: z.infer<typeof storedAlertingSchema>): AlertingPolicy {
  const pair = (condition: z.infer<typeof storedAlertingSchema>["page"][number]) => ({
    long: condition.long,
    short: condition.short,
    budgetSpent: condition.budget_spent,
  });
  return { minEvents: stored.min_events, page: stored.page.map(pair), ticket: stored.ticket.map(pair) };
}

/** Converts overrides to the JSON stored in budget_definitions.overrides. */
export function overridesToJson(overrides: readonly BudgetOverride[]): z.infer<typeof storedOverrideSchema>[] {
  return overrides.map((override) => ({
    vertical: override.vertical,
    tenant: override.tenant,
    target: override.target,
    threshold_ms: override.thresholdMs,
    allowed_overrun: override.allowedOverrun,
  }));
}

/** Reads the enabled budget definitions, ordered by name. */
export async function loadBudgetDefinitions(db: Queryable): Promise<BudgetDefinition[]> {
  let rows: unknown[];
  try {
    rows = await db.query(
      `select name, description, sli, target, allowed_overrun, threshold_ms, window_seconds, baseline_seconds, gates,
              overrides, alerting
       from budget_definitions where enabled order by name`,
    );
  } catch (error) {
    throw new DatabaseError(`could not read budget definitions: ${describeError(error)}`, { cause: error });
  }
  return rows.map((raw) => {
    const row = rowSchema.parse(raw);
    return {
      name: row.name,
      description: row.description,
      sli: row.sli,
      target: row.target,
      allowedOverrun: row.allowed_overrun,
      thresholdMs: row.threshold_ms,
      windowSeconds: row.window_seconds,
      baselineSeconds: row.baseline_seconds,
      gates: row.gates,
      overrides: (row.overrides ?? []).map((override) => ({
        vertical: override.vertical,
        tenant: override.tenant,
        target: override.target,
        thresholdMs: override.threshold_ms,
        allowedOverrun: override.allowed_overrun,
      })),
      alerting: row.alerting ? alertingFromJson(row.alerting) : DEFAULT_ALERTING,
    };
  });
}

/** Maps each deploy type to the sorted names of the budgets it requires. */
export function deployTypeBudgets(definitions: readonly BudgetDefinition[]): Record<string, string[]> {
  const mapping: Record<string, string[]> = {};
  for (const definition of definitions) {
    for (const deployType of definition.gates) {
      (mapping[deployType] ??= []).push(definition.name);
    }
  }
  for (const names of Object.values(mapping)) {
    names.sort();
  }
  return mapping;
}

/** Target, threshold and allowed overrun of a budget for one vertical, or one tenant of it. */
export interface ScopeParameters {
  target: number | null;
  thresholdMs: number | null;
  allowedOverrun: number | null;
}

/**
 * Resolves the parameters of a budget for a scope: a tenant override wins over the vertical's
 * override, which wins over the definition, field by field.
 */
export function scopeParameters(definition: BudgetDefinition, vertical: string, tenant: string | null): ScopeParameters {
  const verticalOverride = definition.overrides.find((o) => o.vertical === vertical && o.tenant === null);
  const tenantOverride = tenant === null ? undefined : definition.overrides.find((o) => o.vertical === vertical && o.tenant === tenant);
  const pick = <K extends keyof ScopeParameters>(key: K): ScopeParameters[K] =>
    tenantOverride?.[key] ?? verticalOverride?.[key] ?? definition[key];
  return { target: pick("target"), thresholdMs: pick("thresholdMs"), allowedOverrun: pick("allowedOverrun") };
}
