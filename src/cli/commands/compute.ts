import type { Command } from "commander";
import { runBudgetComputation } from "../../budgets/run.ts";
import type { ComputedBudget } from "../../budgets/compute.ts";
import { openMigratedDatabase } from "../context.ts";

function percent(value: number | null): string {
  return value === null ? "no data" : `${(value * 100).toFixed(1)}%`;
}

/** Prints budgets as an aligned table: vertical, budget, target, remaining, burn rate, eligible events. */
export function printBudgetTable(budgets: readonly ComputedBudget[]): void {
  const rows = budgets.map((b) => [
    b.vertical,
    b.name,
    b.name === "cost" ? `+${percent(b.target)}` : percent(b.target),
    percent(b.remaining),
    b.burnRate === null ? "-" : b.burnRate.toFixed(2),
    String(b.eligible),
  ]);
  const header = ["VERTICAL", "BUDGET", "TARGET", "REMAINING", "BURN RATE", "EVENTS"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  }
}

export function registerCompute(program: Command): void {
  program
    .command("compute")
    .description("compute every budget of every vertical now and write them to error_budgets")
    .action(async () => {
      const { db } = await openMigratedDatabase();
      try {
        const run = await runBudgetComputation(db);
        printBudgetTable(run.budgets);
      } finally {
        await db.close();
      }
    });
}
