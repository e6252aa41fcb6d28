import type { Queryable } from "../db/database.ts";
import type { BudgetDefinition } from "./definitions.ts";

/** Event counts and cost sums of one budget for one vertical, as read from the calls table. */
export interface BudgetCounts {
  eligible: number;
  good: number;
  /** Cost budget only: calls and cost in the window and in the baseline before it. */
  windowCalls: number;
  windowCostUsd: number;
  baselineCalls: number;
  baselineCostUsd: number;
}

interface ColumnPlan {
  sql: string[];
  params: unknown[];
}

function addParam(plan: ColumnPlan, value: unknown): string {
  plan.params.push(value);
  return `$${plan.params.length}`;
}

/** SQL predicates of a ratio SLI: which calls are eligible, and which eligible calls are good. */
function ratioPredicates(definition: BudgetDefinition, plan: ColumnPlan): { eligible: string; good: string } {
  switch (definition.sli) {
    case "availability":
      return { eligible: "true", good: "connected" };
    case "quality":
      return { eligible: "connected", good: "ok" };
    case "latency":
      return {
        eligible: "connected and first_response_ms is not null",
        good: `first_response_ms <= ${addParam(plan, definition.thresholdMs)}::int`,
      };
    case "stall":
      return {
        eligible: "connected and max_silence_ms is not null",
        good: `max_silence_ms <= ${addParam(plan, definition.thresholdMs)}::int`,
      };
    case "cost":
      throw new Error("the cost budget has no ratio predicates");
  }
}

/**
 * Reads, in one scan of `calls`, the counts every budget needs for every vertical, for windows
 * ending at `windowEnd`. Only generated placeholders go into the SQL text; values are parameters.
 */
export async function readBudgetCounts(
  db: Queryable,
  definitions: readonly BudgetDefinition[],
  windowEnd: Date,
): Promise<Map<string, Map<string, BudgetCounts>>> {
  const plan: ColumnPlan = { sql: [], params: [windowEnd] };
  let earliestMs = windowEnd.getTime();

  definitions.forEach((definition, index) => {
    const startMs = windowEnd.getTime() - definition.windowSeconds * 1000;
    const start = addParam(plan, new Date(startMs));
    const inWindow = `created_at >= ${start}::timestamptz`;
    if (definition.sli === "cost") {
      const baselineStartMs = startMs - (definition.baselineSeconds ?? 0) * 1000;
      const baselineStart = addParam(plan, new Date(baselineStartMs));
      const inBaseline = `created_at >= ${baselineStart}::timestamptz and created_at < ${start}::timestamptz`;
      plan.sql.push(
        `count(*) filter (where ${inWindow})::float8 as c${index}_window_calls`,
        `coalesce(sum(cost_usd) filter (where ${inWindow}), 0)::float8 as c${index}_window_cost`,
        `count(*) filter (where ${inBaseline})::float8 as c${index}_baseline_calls`,
        `coalesce(sum(cost_usd) filter (where ${inBaseline}), 0)::float8 as c${index}_baseline_cost`,
      );
      earliestMs = Math.min(earliestMs, baselineStartMs);
    } else {
      const predicates = ratioPredicates(definition, plan);
      plan.sql.push(
        `count(*) filter (where ${inWindow} and ${predicates.eligible})::float8 as c${index}_eligible`,
        `count(*) filter (where ${inWindow} and ${predicates.eligible} and ${predicates.good})::float8 as c${index}_good`,
      );
      earliestMs = Math.min(earliestMs, startMs);
    }
  });

  const earliest = addParam(plan, new Date(earliestMs));
  const sql = `select vertical, ${plan.sql.join(",\n  ")}
    from calls
    where created_at >= ${earliest}::timestamptz and created_at < $1::timestamptz
    group by vertical
    order by vertical`;
  const rows = await db.query<Record<string, number | string>>(sql, plan.params);

  const result = new Map<string, Map<string, BudgetCounts>>();
  for (const row of rows) {
    const perBudget = new Map<string, BudgetCounts>();
    definitions.forEach((definition, index) => {
      const value = (suffix: string) => Number(row[`c${index}_${suffix}`] ?? 0);
      perBudget.set(
        definition.name,
        definition.sli === "cost"
          ? {
              eligible: value("window_calls"),
              good: 0,
              windowCalls: value("window_calls"),
              windowCostUsd: value("window_cost"),
              baselineCalls: value("baseline_calls"),
              baselineCostUsd: value("baseline_cost"),
            }
          : {
              eligible: value("eligible"),
              good: value("good"),
              windowCalls: 0,
              windowCostUsd: 0,
              baselineCalls: 0,
              baselineCostUsd: 0,
            },
      );
    });
    result.set(String(row.vertical), perBudget);
  }
  return result;
}
