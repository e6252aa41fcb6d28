/**
 * The budgetgate document of the budgets file: alerting settings and a list of budgets.
 * Validated with zod; src/budgets/load-budgets.ts reads the file and reports the issues.
 */
import { z } from "zod";
import { BURN_WINDOW_MS, BURN_WINDOWS, type AlertCondition, type AlertingPolicy } from "./alerts.ts";
import type { BudgetDefinition, BudgetOverride } from "./definitions.ts";
import { DAY_MS, HOUR_MS, parseDuration } from "./durations.ts";
import { unknownKeyError } from "./file-issues.ts";

export const BUDGET_NAME_PATTERN = /^[a-z][a-z0-9_]*$/;
const DEPLOY_TYPE_PATTERN = /^[a-z][a-z0-9_-]*$/;
const MIN_WINDOW_MS = HOUR_MS;
const MAX_WINDOW_MS = 90 * DAY_MS;
const DEFAULT_WINDOW = "7d";
const DEFAULT_ALLOWED_OVERRUN = 0.15;
const DEFAULT_BASELINE_DAYS = 14;

/** Builds a strict object schema that reports unknown keys with the accepted ones. */
function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, { error: unknownKeyError(Object.keys(shape)) });
}

export const targetSchema = z
  .number({ error: "must be a number > 0 and < 1" })
  .gt(0, "must be > 0 and < 1")
  .lt(1, "must be > 0 and < 1");
const thresholdSchema = z
  .number({ error: "must be a whole number of milliseconds from 1 to 3600000" })
  .int("must be a whole number of milliseconds from 1 to 3600000")
  .min(1, "must be a whole number of milliseconds from 1 to 3600000")
  .max(3_600_000, "must be a whole number of milliseconds from 1 to 3600000");
const overrunSchema = z
  .number({ error: "must be a number > 0 and at most 10 (0.15 allows 15 % over the baseline)" })
  .gt(0, "must be a number > 0 and at most 10 (0.15 allows 15 % over the baseline)")
  .max(10, "must be a number > 0 and at most 10 (0.15 allows 15 % over the baseline)");
const windowSchema = z
  .string({ error: "must be a duration such as 7d, 36h or 2w, from 1h to 90d" })
  .refine((text) => {
    const ms = parseDuration(text);
    return ms !== null && ms >= MIN_WINDOW_MS && ms <= MAX_WINDOW_MS;
  }, "must be a duration such as 7d, 36h or 2w, from 1h to 90d");
const baselineDaysSchema = z
  .number({ error: "must be a whole number of days from 1 to 90" })
  .int("must be a whole number of days from 1 to 90")
  .min(1, "must be a whole number of days from 1 to 90")
  .max(90, "must be a whole number of days from 1 to 90");
const nameSchema = z
  .string({ error: "must start with a lowercase letter and hold only lowercase letters, digits and _" })
  .regex(BUDGET_NAME_PATTERN, "must start with a lowercase letter and hold only lowercase letters, digits and _");
const gatesSchema = z
  .array(
    z
      .string({ error: "must be a deploy type such as platform" })
      .regex(DEPLOY_TYPE_PATTERN, "must be a deploy type: lowercase letters, digits, _ and -"),
    { error: "must be a list of deploy types such as [platform]" },
  )
  .min(1, "must name at least one deploy type");
const burnWindowSchema = z.enum(BURN_WINDOWS, { error: `must be one of ${BURN_WINDOWS.join(", ")}` });

const conditionSchema = strict({
  long: burnWindowSchema,
  short: burnWindowSchema,
  budget_spent: z
    .number({ error: "must be a share of the budget > 0 and at most 1" })
    .gt(0, "must be a share of the budget > 0 and at most 1")
    .max(1, "must be a share of the budget > 0 and at most 1"),
}).superRefine((condition, context) => {
  if (BURN_WINDOW_MS[condition.short] >= BURN_WINDOW_MS[condition.long]) {
    context.addIssue({ code: "custom", path: ["short"], message: `must be a shorter window than long (${condition.long})` });
  }
});

export const alertingSchema = strict({
  min_events: z
    .number({ error: "must be a whole number from 0 to 1000000" })
    .int("must be a whole number from 0 to 1000000")
    .min(0, "must be a whole number from 0 to 1000000")
    .max(1_000_000, "must be a whole number from 0 to 1000000")
    .optional(),
  page: z.array(conditionSchema, { error: "must be a list of {long, short, budget_spent}" }).optional(),
  ticket: z.array(conditionSchema, { error: "must be a list of {long, short, budget_spent}" }).optional(),
});
type AlertingInput = z.infer<typeof alertingSchema>;

const overrideSchema = strict({
  vertical: z.string({ error: "must be a vertical name" }).min(1, "must be a vertical name"),
  tenant: z.string({ error: "must be a tenant id" }).min(1, "must be a tenant id").optional(),
  target: targetSchema.optional(),
  threshold_ms: thresholdSchema.optional(),
  allowed_overrun: overrunSchema.optional(),
});

const budgetSchema = strict({
  name: nameSchema,
  description: z.string({ error: "must be a string" }).optional(),
  sli: z.enum(["availability", "latency", "stall", "quality", "cost"], {
    error: "must be one of availability, latency, stall, quality, cost",
  }),
  target: targetSchema.optional(),
  threshold_ms: thresholdSchema.optional(),
  allowed_overrun: overrunSchema.optional(),
  baseline_days: baselineDaysSchema.optional(),
  window: windowSchema.optional(),
  gates: gatesSchema,
  overrides: z.array(overrideSchema, { error: "must be a list of overrides" }).optional(),
  alerting: alertingSchema.optional(),
}).superRefine((budget, context) => {
  const forbid = (key: string, value: unknown, reason: string) => {
    if (value !== undefined) {
      context.addIssue({ code: "custom", path: [key], message: `is not allowed: ${reason}` });
    }
  };
  const require = (key: string, value: unknown, reason: string) => {
    if (value === undefined) {
      context.addIssue({ code: "custom", path: [key], message: `is required: ${reason}` });
    }
  };
  const thresholded = budget.sli === "latency" || budget.sli === "stall";
  if (budget.sli === "cost") {
    forbid("target", budget.target, "a cost budget sets allowed_overrun instead");
  } else {
    require("target", budget.target, `a ${budget.sli} budget needs a target > 0 and < 1`);
    forbid("allowed_overrun", budget.allowed_overrun, "only a cost budget has an allowed overrun");
    forbid("baseline_days", budget.baseline_days, "only a cost budget has a baseline");
  }
  if (thresholded) {
    require("threshold_ms", budget.threshold_ms, `a ${budget.sli} budget needs the good-event limit in milliseconds`);
  } else {
    forbid("threshold_ms", budget.threshold_ms, "only latency and stall budgets have a threshold");
  }

  const scopes = new Map<string, number>();
  (budget.overrides ?? []).forEach((override, index) => {
    const path = (key: string) => ["overrides", index, key];
    if (override.target === undefined && override.threshold_ms === undefined && override.allowed_overrun === undefined) {
      context.addIssue({ code: "custom", path: ["overrides", index], message: "must set target, threshold_ms or allowed_overrun" });
    }
    if (budget.sli === "cost" && override.target !== undefined) {
      context.addIssue({ code: "custom", path: path("target"), message: "is not allowed: a cost budget overrides allowed_overrun" });
    }
    if (budget.sli !== "cost" && override.allowed_overrun !== undefined) {
      context.addIssue({ code: "custom", path: path("allowed_overrun"), message: "is not allowed: only a cost budget has an allowed overrun" });
    }
    if (!thresholded && override.threshold_ms !== undefined) {
      context.addIssue({ code: "custom", path: path("threshold_ms"), message: "is not allowed: only latency and stall budgets have a threshold" });
    }
    const scope = `${override.vertical}\u0000${override.tenant ?? ""}`;
    const earlier = scopes.get(scope);
    if (earlier !== undefined) {
      context.addIssue({ code: "custom", path: ["overrides", index], message: `repeats the scope of overrides[${earlier}]` });
    }
    scopes.set(scope, index);
  });
});
export type BudgetInput = z.infer<typeof budgetSchema>;

/** The budgetgate document: optional `apiVersion: budgetgate/v1`, global alerting and budgets. */
export const budgetDocumentSchema = strict({
  apiVersion: z.literal("budgetgate/v1", { error: "must be budgetgate/v1 or openslo/v1" }).optional(),
  alerting: alertingSchema.optional(),
  budgets: z.array(budgetSchema, { error: "must be a list of budgets" }).optional(),
});
export type BudgetDocument = z.infer<typeof budgetDocumentSchema>;

function conditions(input: AlertingInput["page"]): AlertCondition[] | undefined {
  return input?.map((condition) => ({ long: condition.long, short: condition.short, budgetSpent: condition.budget_spent }));
}

/** Applies the keys an alerting section sets over a base policy. */
export function mergeAlerting(base: AlertingPolicy, input: AlertingInput | undefined): AlertingPolicy {
  return {
    minEvents: input?.min_events ?? base.minEvents,
    page: conditions(input?.page) ?? base.page,
    ticket: conditions(input?.ticket) ?? base.ticket,
  };
}

/** Converts a validated budget of the budgetgate document into a definition. */
export function definitionFromInput(budget: BudgetInput, alerting: AlertingPolicy): BudgetDefinition {
  const isCost = budget.sli === "cost";
  const overrides: BudgetOverride[] = (budget.overrides ?? []).map((override) => ({
    vertical: override.vertical,
    tenant: override.tenant ?? null,
    target: override.target ?? null,
    thresholdMs: override.threshold_ms ?? null,
    allowedOverrun: override.allowed_overrun ?? null,
  }));
  return {
    name: budget.name,
    description: budget.description ?? "",
    sli: budget.sli,
    target: isCost ? null : (budget.target ?? null),
    allowedOverrun: isCost ? (budget.allowed_overrun ?? DEFAULT_ALLOWED_OVERRUN) : null,
    thresholdMs: budget.threshold_ms ?? null,
    windowSeconds: parseDuration(budget.window ?? DEFAULT_WINDOW)! / 1000,
    baselineSeconds: isCost ? (budget.baseline_days ?? DEFAULT_BASELINE_DAYS) * 86_400 : null,
    gates: budget.gates,
    overrides,
    alerting: mergeAlerting(alerting, budget.alerting),
  };
}

