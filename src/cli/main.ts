import { Command } from "commander";
import { BudgetgateError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import { registerApiKey } from "./commands/api-key.ts";
import { registerBundle } from "./commands/bundle.ts";
import { registerCheck } from "./commands/check.ts";
import { registerCompute } from "./commands/compute.ts";
import { registerDemo } from "./commands/demo.ts";
import { registerMigrate } from "./commands/migrate.ts";
import { registerPlannedBurn } from "./commands/planned-burn.ts";
import { registerRebuild } from "./commands/rebuild.ts";
import { registerServe } from "./commands/serve.ts";

const program = new Command();
program
  .name("budgetgate")
  .description("Gate deploys on error budgets computed from call records.")
  .addHelpText(
    "after",
    `
Main environment variables (docs/configuration.md lists all of them):
  DATABASE_URL                     Postgres connection string (default: embedded PGlite in BUDGETGATE_DATA_DIR/pgdata)
  BUDGETGATE_DATA_DIR              folder for the embedded database and exported bundle (default .budgetgate)
  BUDGETGATE_HOST, BUDGETGATE_PORT address of the HTTP service (default 127.0.0.1 and 8080)
  BUDGETGATE_BUDGETS_FILE          budget definitions, YAML or OpenSLO (default config/budgets.yaml)
  BUDGETGATE_COMPUTE_SCHEDULE      cron expression of the budget computation (default "* * * * *", every minute)
  BUDGETGATE_STALE_AFTER_SECONDS   budget data older than this denies deploys (default 900 seconds)
  BUDGETGATE_BLOCK_BELOW           remaining fraction below which deploys are denied (default 0.25)
  BUDGETGATE_ESCALATE_BELOW        remaining fraction below which the gate escalates (default 0.10)
  BUDGETGATE_WARN_BELOW            remaining fraction below which allowed deploys get a warning (default 0.5)
  BUDGETGATE_FAIL_OPEN             comma-separated deploy types allowed when budget data is missing or stale (default none)
  BUDGETGATE_NO_DATA               deny (default) or allow a budget with no eligible calls in its window
  BUDGETGATE_ADMIN_TOKEN           bearer token of the planned-burn write routes (default unset: routes answer 503)
  BUDGETGATE_BUNDLE_TOKEN          bearer token OPA sidecars send for bundles, status and logs (default unset: open)
  BUDGETGATE_TLS_CERT_FILE, BUDGETGATE_TLS_KEY_FILE
                                   certificate and key of the admission webhook and Gatekeeper provider (default unset: no HTTPS)
  LOG_LEVEL                        pino log level (default info); logs go to stderr`,
  )
  .showHelpAfterError();

registerDemo(program);
registerServe(program);
registerMigrate(program);
registerCompute(program);
registerCheck(program);
registerBundle(program);
registerPlannedBurn(program);
registerRebuild(program);
registerApiKey(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof BudgetgateError) {
    console.error(`budgetgate: ${describeError(error)}`);
  } else {
    logger.error({ err: error }, "unexpected error");
    console.error(`budgetgate: ${describeError(error)}`);
  }
  process.exitCode = process.exitCode || 2;
}
