import path from "node:path";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { runBudgetComputation } from "../../budgets/run.ts";
import { bundleFiles, writeBundle } from "../../bundle/build.ts";
import { validateDemoOptions, estimateCallCount } from "../../demo/generate.ts";
import { countCalls } from "../../db/calls.ts";
import { loadDemoCalls } from "../../demo/load.ts";
import { logger } from "../../log.ts";
import { loadPolicyData } from "../../policy/load-data.ts";
import { openMigratedDatabase, parseNumberOption } from "../context.ts";
import { startService } from "../serve.ts";
import { printBudgetTable } from "./compute.ts";

interface DemoCommandOptions {
  seed: number;
  days: number;
  scale: number;
  reset: boolean;
  serve: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description(
      "load realistic demo calls into an empty database (about a million calls over 21 days for healthcare, real_estate and salon, with incidents), compute budgets, export a bundle and start the service",
    )
    .option("--seed <integer>", "seed of the generator, an integer from 0 to 2147483647; equal seeds give equal calls for the same end time", parseNumberOption("--seed", 0, 2 ** 31 - 1, true), 42)
    .option("--days <days>", "days of history to generate, from 21 to 90 (the cost budget compares 7 days with the 14 before)", parseNumberOption("--days", 21, 90, true), 21)
    .option("--scale <factor>", "call volume, from 0.001 to 20; 1 is about a million calls over 21 days", parseNumberOption("--scale", 0.001, 20), 1)
    .option("--reset", "delete every row of the calls table before loading; without it, existing calls are kept and loading is skipped", false)
    .option("--no-serve", "stop after computing budgets and exporting the bundle instead of starting the service")
    .action(async (options: DemoCommandOptions) => {
      const { config, db } = await openMigratedDatabase();
      let existing = await countCalls(db);
      if (existing > 0 && options.reset) {
        logger.warn({ rows: existing }, "deleting existing calls because of --reset");
        await db.query("delete from calls");
        existing = 0;
      }

      if (existing > 0) {
        console.error(`calls already holds ${existing} rows; keeping them (use --reset to replace them with demo data)`);
      } else {
        // The newest call is at the start of the current minute, measured on the database clock.
        const [clock] = await db.query<{ now: Date }>("select date_trunc('minute', now()) as now");
        const demoOptions = validateDemoOptions({ seed: options.seed, days: options.days, scale: options.scale, end: clock!.now });
        const total = estimateCallCount(demoOptions);
        const bar = new cliProgress.SingleBar(
          { format: "loading demo calls [{bar}] {percentage}% | {value}/{total} calls | ETA {eta_formatted}", stream: process.stderr },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
        const inserted = await loadDemoCalls(db, demoOptions, (count) => bar.update(Math.min(count, total)));
        bar.update(inserted);
        bar.setTotal(inserted);
        bar.stop();
        console.error(`loaded ${inserted} calls`);
      }

      const run = await runBudgetComputation(db);
      printBudgetTable(run.budgets);

      const bundlePath = path.join(config.dataDir, "bundle.tar.gz");
      const data = await loadPolicyData(db, config);
      await writeBundle(await bundleFiles(data), bundlePath);
      console.error(`wrote the OPA bundle ${bundlePath} (revision ${data.revision})`);

      if (!options.serve) {
        await db.close();
        return;
      }
      await startService(config, db);
      const base = `http://${config.host}:${config.port}`;
      console.error(`budgetgate is serving on ${base}; try:
  curl -s ${base}/v1/data/budgetgate/decision -H 'content-type: application/json' \\
    -d '{"input": {"deploy": {"type": "prompt", "vertical": "healthcare", "service": "voice-agent"}}}'`);
    });
}
