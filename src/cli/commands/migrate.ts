import type { Command } from "commander";
import { openMigratedDatabase } from "../context.ts";

export function registerMigrate(program: Command): void {
  program
    .command("migrate")
    .description("apply pending SQL migrations to the database (safe to run repeatedly and concurrently)")
    .action(async () => {
      const { db } = await openMigratedDatabase();
      await db.close();
      console.log("database is up to date");
    });
}
