import type { Command } from "commander";
import { bundleFiles, writeBundle } from "../../bundle/build.ts";
import { loadPolicyData } from "../../policy/load-data.ts";
import { openMigratedDatabase } from "../context.ts";

export function registerBundle(program: Command): void {
  program
    .command("bundle")
    .description("export the Rego policy and the newest budgets as an OPA bundle (.tar.gz), usable by budgetgate check --bundle and by OPA")
    .option("-o, --out <file>", "path of the bundle to write", "bundle.tar.gz")
    .action(async (options: { out: string }) => {
      const { config, db } = await openMigratedDatabase();
      try {
        const data = await loadPolicyData(db, config);
        await writeBundle(await bundleFiles(data), options.out);
        console.log(`wrote ${options.out} (revision ${data.revision})`);
      } finally {
        await db.close();
      }
    });
}
