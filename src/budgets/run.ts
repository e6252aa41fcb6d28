import type { Database } from "../db/database.ts";
import { DatabaseError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import { computeBudgets } from "./compute.ts";
import { readBudgetCounts } from "./counts.ts";
import { loadBudgetDefinitions } from "./definitions.ts";
import { insertBudgetRun, type BudgetRun } from "./repository.ts";

/**
 * Computes every budget of every vertical and writes them as one run.
 * Windows end at the database clock, so a skewed service clock does not move them.
 */
export async function runBudgetComputation(db: Database): Promise<BudgetRun> {
  const startedAt = Date.now();
  try {
    const [clock] = await db.query<{ now: Date }>("select now() as now");
    const windowEnd = clock!.now;
    const definitions = await loadBudgetDefinitions(db);
    const counts = await readBudgetCounts(db, definitions, windowEnd);
    const budgets = computeBudgets(definitions, counts, windowEnd);
    const runId = await db.transaction((tx) => insertBudgetRun(tx, new Date(startedAt), windowEnd, budgets));
    logger.info(
      { runId, budgets: budgets.length, verticals: counts.size, durationMs: Date.now() - startedAt },
      "budgets computed",
    );
    return { runId, windowEnd, budgets };
  } catch (error) {
    throw new DatabaseError(`could not compute budgets: ${describeError(error)}`, { cause: error });
  }
}
