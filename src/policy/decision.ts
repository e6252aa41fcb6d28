import { z } from "zod";

/** One violation, warning or escalation, as every policy rule builds it. */
export const findingSchema = z.object({
  code: z.string(),
  vertical: z.string().nullable(),
  budget: z.string().nullable(),
  remaining: z.number().nullable(),
  threshold: z.number().nullable(),
  message: z.string(),
});

export type Finding = z.infer<typeof findingSchema>;

/** Result of the budgetgate/decision entrypoint. */
export const decisionSchema = z.object({
  allow: z.boolean(),
  deploy: z.record(z.string(), z.unknown()).nullable().optional(),
  required_budgets: z.array(z.string()),
  violations: z.array(findingSchema),
  warnings: z.array(findingSchema),
  escalations: z.array(findingSchema),
  revision: z.string().nullable(),
  break_glass: z.string().nullable(),
});

export type Decision = z.infer<typeof decisionSchema>;

/** Result of the budgetgate/kubernetes/decision entrypoint: a decision about one object. */
export const kubernetesDecisionSchema = decisionSchema.extend({
  gated: z.boolean(),
  object: z.object({
    kind: z.string().nullable(),
    name: z.string().nullable(),
    namespace: z.string().nullable(),
  }),
});

export type KubernetesDecision = z.infer<typeof kubernetesDecisionSchema>;

export const ENTRYPOINTS = {
  decision: "budgetgate/decision",
  kubernetes: "budgetgate/kubernetes/decision",
} as const;
