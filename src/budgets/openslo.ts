/**
 * OpenSLO `SLO` documents (apiVersion openslo/v1) as budget definitions.
 *
 * budgetgate reads the subset that maps onto its ratio budgets: event-based budgeting
 * (`budgetingMethod: Occurrences`), one rolling `timeWindow`, one objective with a `target`, and an
 * inline `indicator` whose `ratioMetric` names budgetgate metric sources:
 *
 *   good:  {metricSource: {type: budgetgate, spec: {sli: latency, thresholdMs: 800}}}
 *   total: {metricSource: {type: budgetgate, spec: {sli: latency}}}
 *
 * Both sources name the same SLI kind; latency and stall put their threshold on the good source.
 * The deploy types come from the annotation `budgetgate.dev/gates` ("platform,finance"). Fields of
 * the specification that budgetgate cannot honour are rejected by name instead of being ignored.
 */
import { z } from "zod";
import type { AlertingPolicy } from "./alerts.ts";
import { BUDGET_NAME_PATTERN, targetSchema } from "./budget-file.ts";
import type { BudgetDefinition } from "./definitions.ts";
import { DAY_MS, HOUR_MS, parseDuration } from "./durations.ts";
import { unknownKeyError } from "./file-issues.ts";

export const OPENSLO_API_VERSION = "openslo/v1";
export const GATES_ANNOTATION = "budgetgate.dev/gates";

function strict<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(shape, { error: unknownKeyError(Object.keys(shape)) });
}

/** A field of the specification that budgetgate rejects, with the reason. */
const unsupported = (reason: string) => z.unknown().refine(() => false, `is not supported: ${reason}`).optional();

const metricSourceSchema = strict({
  type: z.literal("budgetgate", { error: "must be budgetgate: budgetgate computes its SLIs from the calls table" }),
  metricSourceRef: unsupported("data source references do not apply; use type: budgetgate"),
  spec: strict({
    sli: z.enum(["availability", "latency", "stall", "quality"], {
      error: "must be one of availability, latency, stall, quality (the cost budget has no OpenSLO form; define it in the budgets list)",
    }),
    thresholdMs: z
      .number({ error: "must be a whole number of milliseconds from 1 to 3600000" })
      .int("must be a whole number of milliseconds from 1 to 3600000")
      .min(1, "must be a whole number of milliseconds from 1 to 3600000")
      .max(3_600_000, "must be a whole number of milliseconds from 1 to 3600000")
      .optional(),
  }),
});

const metricSchema = strict({ metricSource: metricSourceSchema });

const sloSchema = strict({
  apiVersion: z.literal(OPENSLO_API_VERSION),
  kind: z.literal("SLO", { error: "must be SLO: budgetgate reads only SLO documents of OpenSLO" }),
  metadata: strict({
    name: z.string({ error: "must be a name" }).min(1, "must be a name"),
    displayName: z.string().optional(),
    labels: z.record(z.string(), z.unknown()).optional(),
    annotations: z.record(z.string(), z.string(), { error: "must map names to strings" }).optional(),
  }),
  spec: strict({
    description: z.string().optional(),
    service: z.string({ error: "must name the service" }),
    indicator: strict({
      metadata: strict({ name: z.string(), displayName: z.string().optional() }).optional(),
      spec: strict({
        ratioMetric: strict({
          counter: z.boolean().optional(),
          good: metricSchema,
          total: metricSchema,
          bad: unsupported("give good and total instead"),
          rawType: unsupported("raw ratios do not apply; give good and total"),
          raw: unsupported("raw ratios do not apply; give good and total"),
        }),
        thresholdMetric: unsupported("budgetgate budgets count events, so use ratioMetric with good and total"),
      }),
    }),
    indicatorRef: unsupported("write the indicator inline under spec.indicator"),
    budgetingMethod: z.literal("Occurrences", {
      error: "must be Occurrences: budgetgate counts good and total events, and Timeslices and RatioTimeslices are not supported",
    }),
    timeWindow: z
      .array(
        strict({
          duration: z.string({ error: "must be a duration such as 7d or 2w" }),
          isRolling: z.literal(true, { error: "must be true: only rolling windows are supported" }),
          calendar: unsupported("calendar windows do not apply; use a rolling window"),
        }),
      )
      .length(1, "must hold exactly one rolling window"),
    objectives: z
      .array(
        strict({
          displayName: z.string().optional(),
          target: targetSchema.optional(),
          targetPercent: z.number().optional(),
          op: unsupported("threshold objectives do not apply; put the threshold on the good metric source as thresholdMs"),
          value: unsupported("threshold objectives do not apply; put the threshold on the good metric source as thresholdMs"),
          timeSliceTarget: unsupported("time slices do not apply; budgetgate counts events (Occurrences)"),
          timeSliceWindow: unsupported("time slices do not apply; budgetgate counts events (Occurrences)"),
          indicator: unsupported("per-objective indicators do not apply; use spec.indicator"),
          indicatorRef: unsupported("per-objective indicators do not apply; use spec.indicator"),
          compositeWeight: unsupported("composite SLOs do not apply"),
        }),
      )
      .length(1, "must hold exactly one objective"),
    alertPolicies: z
      .array(z.unknown())
      .max(0, "is not supported: set alerting in the budgetgate document of the budgets file")
      .optional(),
  }),
});

/** A problem at a path inside one OpenSLO document. */
export interface DocumentProblem {
  path: PropertyKey[];
  message: string;
}

export type OpensloResult =
  | { ok: true; definition: BudgetDefinition }
  | { ok: false; issues: readonly z.core.$ZodIssue[] }
  | { ok: false; problems: DocumentProblem[] };

function windowMs(duration: string): number | null {
  const ms = parseDuration(duration);
  return ms !== null && ms >= HOUR_MS && ms <= 90 * DAY_MS ? ms : null;
}

/** Converts one OpenSLO SLO document into a budget definition, or lists what is wrong with it. */
export function definitionFromOpenslo(document: unknown, alerting: AlertingPolicy): OpensloResult {
  const parsed = sloSchema.safeParse(document);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues };
  }
  const slo = parsed.data;
  const problems: DocumentProblem[] = [];
  const ratio = slo.spec.indicator.spec.ratioMetric;
  const good = ratio.good.metricSource.spec;
  const total = ratio.total.metricSource.spec;
  const ratioPath = ["spec", "indicator", "spec", "ratioMetric"];

  if (good.sli !== total.sli) {
    problems.push({ path: [...ratioPath, "total", "metricSource", "spec", "sli"], message: `must name the same SLI as good (${good.sli}, got ${total.sli})` });
  }
  const thresholded = good.sli === "latency" || good.sli === "stall";
  if (thresholded && good.thresholdMs === undefined) {
    problems.push({ path: [...ratioPath, "good", "metricSource", "spec", "thresholdMs"], message: `is required: a ${good.sli} SLI needs the good-event limit in milliseconds` });
  }
  if (!thresholded && good.thresholdMs !== undefined) {
    problems.push({ path: [...ratioPath, "good", "metricSource", "spec", "thresholdMs"], message: "is not allowed: only latency and stall have a threshold" });
  }
  if (total.thresholdMs !== undefined) {
    problems.push({ path: [...ratioPath, "total", "metricSource", "spec", "thresholdMs"], message: "is not allowed: the threshold belongs on the good metric source" });
  }

  const window = slo.spec.timeWindow[0]!;
  const duration = windowMs(window.duration);
  if (duration === null) {
    problems.push({
      path: ["spec", "timeWindow", 0, "duration"],
      message: `must be a duration from 1h to 90d in m, h, d or w, such as 7d (got ${JSON.stringify(window.duration)}); months, quarters and years vary in length`,
    });
  }

  const objective = slo.spec.objectives[0]!;
  let target = objective.target;
  if (target === undefined && objective.targetPercent !== undefined) {
    target = objective.targetPercent / 100;
    if (!(target > 0 && target < 1)) {
      problems.push({ path: ["spec", "objectives", 0, "targetPercent"], message: `must be > 0 and < 100 (got ${objective.targetPercent})` });
    }
  }
  if (target === undefined) {
    problems.push({ path: ["spec", "objectives", 0, "target"], message: "is required: a target > 0 and < 1" });
  }

  // OpenSLO names are DNS labels; budget names use _ where the label has -.
  const name = slo.metadata.name.replaceAll("-", "_");
  if (!BUDGET_NAME_PATTERN.test(name)) {
    problems.push({
      path: ["metadata", "name"],
      message: `must start with a lowercase letter and hold only lowercase letters, digits, - and _ (got ${JSON.stringify(slo.metadata.name)})`,
    });
  }
  const gatesText = slo.metadata.annotations?.[GATES_ANNOTATION];
  const gates = (gatesText ?? "").split(",").map((gate) => gate.trim()).filter((gate) => gate !== "");
  if (gates.length === 0 || gates.some((gate) => !/^[a-z][a-z0-9_-]*$/.test(gate))) {
    problems.push({
      path: ["metadata", "annotations", GATES_ANNOTATION],
      message: `must list the deploy types this budget gates, such as "platform" or "prompt,model" (got ${JSON.stringify(gatesText ?? null)})`,
    });
  }
  if (problems.length > 0) {
    return { ok: false, problems };
  }

  return {
    ok: true,
    definition: {
      name,
      description: slo.spec.description ?? slo.metadata.displayName ?? "",
      sli: good.sli,
      target: target!,
      allowedOverrun: null,
      thresholdMs: good.thresholdMs ?? null,
      windowSeconds: duration! / 1000,
      baselineSeconds: null,
      gates,
      overrides: [],
      alerting,
    },
  };
}
