import { text } from "node:stream/consumers";
import { Option, type Command } from "commander";
import { readPolicyDataFile } from "../../bundle/read.ts";
import { expandPaths, readDocuments } from "../../check/documents.ts";
import { evaluateDocuments } from "../../check/evaluate.ts";
import { formatText, summarize } from "../../check/format.ts";
import { InputError } from "../../errors.ts";
import type { PolicyData } from "../../policy/data.ts";
import { PolicyEngine } from "../../policy/engine.ts";
import { loadPolicyData } from "../../policy/load-data.ts";
import { openMigratedDatabase, parseTimeOption } from "../context.ts";

interface CheckOptions {
  bundle?: string;
  now?: Date;
  output: "text" | "json";
}

async function budgetSnapshot(options: CheckOptions): Promise<PolicyData> {
  if (options.bundle !== undefined) {
    return readPolicyDataFile(options.bundle);
  }
  const { config, db } = await openMigratedDatabase();
  try {
    return await loadPolicyData(db, config);
  } finally {
    await db.close();
  }
}

/** Runs the check and returns the exit code: 0 when every document passes, 1 otherwise. */
export async function runCheck(paths: readonly string[], options: CheckOptions): Promise<number> {
  if (paths.length === 0) {
    throw new InputError("no files given; pass manifest files, folders, or - for standard input");
  }
  const data = await budgetSnapshot(options);
  const now = options.now;
  const engine = await PolicyEngine.load(now === undefined ? {} : { clock: () => now.getTime() });
  engine.setData(data);

  const files = await expandPaths(paths);
  const documents = (await Promise.all(files.map((file) => readDocuments(file, () => text(process.stdin))))).flat();
  const results = evaluateDocuments(engine, documents);
  const counts = summarize(results);

  if (options.output === "json") {
    console.log(JSON.stringify({ revision: data.revision, results, summary: counts }, null, 2));
  } else {
    for (const line of formatText(results)) {
      console.log(line);
    }
    console.log(
      `${results.length} ${results.length === 1 ? "document" : "documents"} checked: ${counts.pass} allowed, ${counts.fail} denied, ${counts.skip} not gated, ${counts.error} errors (budgets revision ${data.revision})`,
    );
  }
  return counts.fail > 0 || counts.error > 0 ? 1 : 0;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "check deploy descriptors and Kubernetes manifests (YAML or JSON, several documents per file) against the budgets; exits 0 when all pass, 1 when any is denied or cannot be read",
    )
    .argument("<paths...>", "files or folders of .yaml/.yml/.json files; - reads standard input")
    .option("-b, --bundle <file>", "budget snapshot: a bundle from budgetgate bundle, or its data.json (default: the database)")
    .option("--now <time>", "evaluate as of this ISO 8601 time, for reproducible checks (default: the current time)", parseTimeOption("--now"))
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (paths: string[], options: CheckOptions) => {
      process.exitCode = await runCheck(paths, options);
    });
}
