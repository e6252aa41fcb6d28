import type { Command } from "commander";
import {
  addPlannedBurn,
  burnState,
  effectiveEnd,
  endPlannedBurn,
  listPlannedBurns,
  plannedBurnRequestSchema,
  type PlannedBurn,
} from "../../budgets/planned-burns.ts";
import { InputError } from "../../errors.ts";
import { openMigratedDatabase, parseNumberOption, parseTimeOption } from "../context.ts";

interface AddOptions {
  vertical: string;
  tenant?: string;
  budget: string;
  start: Date;
  end: Date;
  reason: string;
  author: string;
}

function printBurns(burns: readonly PlannedBurn[], now: Date): void {
  if (burns.length === 0) {
    console.log("no planned burns");
    return;
  }
  const rows = burns.map((burn) => [
    String(burn.id),
    burnState(burn, now),
    burn.tenantId === null ? burn.vertical : `${burn.vertical}/${burn.tenantId}`,
    burn.budgets.join(","),
    burn.startsAt.toISOString(),
    effectiveEnd(burn).toISOString(),
    burn.author,
    burn.reason,
  ]);
  const header = ["ID", "STATE", "SCOPE", "BUDGETS", "STARTS", "ENDS", "AUTHOR", "REASON"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd());
  }
}

export function registerPlannedBurn(program: Command): void {
  const command = program
    .command("planned-burn")
    .description("add, list and end planned burns: time ranges whose calls are left out of the named budgets");

  command
    .command("add")
    .description(
      "add a planned burn; calls of the vertical (or tenant) in the range are left out of the budgets, at minute granularity. " +
        "Rejected when it overlaps a burn of the same vertical, tenant and budget, or starts more than " +
        "BUDGETGATE_PLANNED_BURN_MAX_BACKDATE_HOURS (default 24) hours ago",
    )
    .requiredOption("--vertical <name>", "vertical whose calls are left out")
    .option("--tenant <id>", "only this tenant's calls (default: every call of the vertical)")
    .requiredOption("--budget <names>", "comma-separated budgets the burn applies to, e.g. availability,latency")
    .requiredOption("--start <time>", "start, ISO 8601 such as 2026-06-01T12:00:00Z", parseTimeOption("--start"))
    .requiredOption("--end <time>", "end (exclusive), ISO 8601", parseTimeOption("--end"))
    .requiredOption("--reason <text>", "why the budget may burn, kept for audit")
    .requiredOption("--author <name>", "who planned it, kept for audit")
    .action(async (options: AddOptions) => {
      const parsed = plannedBurnRequestSchema.safeParse({
        vertical: options.vertical,
        tenant_id: options.tenant ?? null,
        budgets: options.budget.split(",").map((name) => name.trim()).filter((name) => name !== ""),
        starts_at: options.start,
        ends_at: options.end,
        reason: options.reason,
        author: options.author,
      });
      if (!parsed.success) {
        throw new InputError(parsed.error.issues.map((issue) => issue.message).join("; "));
      }
      const { config, db } = await openMigratedDatabase();
      try {
        const burn = await addPlannedBurn(db, parsed.data, { maxBackdateHours: config.plannedBurnMaxBackdateHours });
        console.log(`added planned burn ${burn.id}`);
        printBurns([burn], new Date());
      } finally {
        await db.close();
      }
    });

  command
    .command("list")
    .description("list active and upcoming planned burns")
    .option("--all", "also list finished and ended burns", false)
    .action(async (options: { all: boolean }) => {
      const { db } = await openMigratedDatabase();
      try {
        const [clock] = await db.query<{ now: Date }>("select now() as now");
        printBurns(await listPlannedBurns(db, { all: options.all }), clock!.now);
      } finally {
        await db.close();
      }
    });

  command
    .command("end")
    .description("end an active or upcoming planned burn now; the record is kept with its end time")
    .argument("<id>", "id of the planned burn, as planned-burn list shows it", parseNumberOption("<id>", 1, Number.MAX_SAFE_INTEGER, true))
    .action(async (id: number) => {
      const { db } = await openMigratedDatabase();
      try {
        const burn = await endPlannedBurn(db, id);
        console.log(`ended planned burn ${burn.id} at ${burn.endedAt?.toISOString()}`);
      } finally {
        await db.close();
      }
    });
}
