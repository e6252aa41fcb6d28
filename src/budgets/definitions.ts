import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import { DatabaseError, describeError } from "../errors.ts";

export type SliKind = "availability" | "latency" | "stall" | "quality" | "cost";

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
}

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
});

/** Reads the enabled budget definitions, ordered by name. */
export async function loadBudgetDefinitions(db: Queryable): Promise<BudgetDefinition[]> {
  let rows: unknown[];
  try {
    rows = await db.query(
      `select name, description, sli, target, allowed_overrun, threshold_ms, window_seconds, baseline_seconds, gates
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
