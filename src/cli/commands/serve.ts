import type { Command } from "commander";
import { openMigratedDatabase } from "../context.ts";
import { startService } from "../serve.ts";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "run the service: budget computation on BUDGETGATE_COMPUTE_SCHEDULE and the HTTP API on BUDGETGATE_HOST:BUDGETGATE_PORT (default 127.0.0.1:8080)",
    )
    .action(async () => {
      const { config, db } = await openMigratedDatabase();
      await startService(config, db);
    });
}
