import cliProgress from "cli-progress";
import type { Command } from "commander";
import { releaseComputeLock, waitForComputeLock } from "../../budgets/compute-lock.ts";
import { loadBudgetDefinitions } from "../../budgets/definitions.ts";
import { rollupSpecFor } from "../../budgets/rollup-spec.ts";
import { rebuildRollups } from "../../budgets/rollups.ts";
import { syncBudgetsFile } from "../../budgets/sync.ts";
import { openMigratedDatabase } from "../context.ts";

export function registerRebuild(program: Command): void {
  program
    .command("rebuild")
    .description(
      "aggregate the per-minute, per-hour and per-day rollups again from every call in the retention period, after a backfill " +
        "or to fold in calls that arrived later than BUDGETGATE_LATE_ARRIVAL_MINUTES; waits while a service computes budgets",
    )
    .action(async () => {
      const { config, db } = await openMigratedDatabase();
      try {
        await syncBudgetsFile(db, config.budgetsFile);
        const spec = rollupSpecFor(await loadBudgetDefinitions(db));
        const [clock] = await db.query<{ now: Date }>("select now() as now");
        const bar = new cliProgress.SingleBar(
          { format: "rebuilding rollups [{bar}] {percentage}% | {value}/{total} days | ETA {eta_formatted}", stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        const startedAt = Date.now();
        const report = await db.withSession(async (session) => {
          await waitForComputeLock(session);
          try {
            let started = false;
            return await rebuildRollups(db, spec, clock!.now, {
              onProgress: (done, total) => {
                if (!started) {
                  bar.start(total, 0);
                  started = true;
                }
                bar.update(done);
              },
            });
          } finally {
            bar.stop();
            await releaseComputeLock(session);
          }
        });
        if (report?.mode === "rebuild") {
          console.error(
            `rebuilt the rollups in ${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${report.minuteRows} minute rows, ${report.hourRows} hour rows`,
          );
        }
      } finally {
        await db.close();
      }
    });
}
