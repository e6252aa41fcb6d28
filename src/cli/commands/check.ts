import { readFile } from "node:fs/promises";
import { text } from "node:stream/consumers";
import { Option, type Command } from "commander";
import { expandPaths, readDocuments, type SourceDocument } from "../../check/documents.ts";
import { evaluateDocuments } from "../../check/evaluate.ts";
import { OUTPUT_FORMATS, renderReport, type OutputFormat } from "../../check/output/index.ts";
import { loadSnapshot } from "../../check/snapshot.ts";
import { EXIT_CODES, exitCodeFor } from "../../check/summary.ts";
import { InputError } from "../../errors.ts";
import { PolicyEngine } from "../../policy/engine.ts";
import { parseNumberOption, parseTimeOption } from "../context.ts";

interface CheckOptions {
  bundle?: string;
  bundleTimeout: number;
  databaseUrl?: string;
  now?: Date;
  output: OutputFormat;
  failOnWarn?: boolean;
  stdinFilename: string;
}

const DEFAULT_BUNDLE_TIMEOUT_SECONDS = 30;

async function readToolVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "unknown";
}

/** Reads standard input once, however often `-` is given. */
function memoizedStdin(): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => (pending ??= text(process.stdin));
}

/**
 * Runs the check, writes the report to stdout and returns the exit code: 0 when everything
 * passes, 1 when a document is denied or cannot be checked, or, with failOnWarn, 1 for warnings
 * and 2 for denied or unchecked documents.
 */
export async function runCheck(paths: readonly string[], options: CheckOptions): Promise<number> {
  if (paths.length === 0) {
    throw new InputError("no files given; pass manifest files, folders, or - for standard input");
  }
  const files = await expandPaths(paths);
  if (files.length === 0) {
    throw new InputError(`no .yaml, .yml or .json files found in ${paths.join(", ")}`);
  }

  const data = await loadSnapshot({
    ...(options.bundle !== undefined ? { bundle: options.bundle } : {}),
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
    downloadTimeoutMs: options.bundleTimeout * 1000,
  });
  const now = options.now;
  const engine = await PolicyEngine.load(now === undefined ? {} : { clock: () => now.getTime() });
  engine.setData(data);

  const stdin = memoizedStdin();
  // One file at a time, so that a large folder does not open more files than the process may.
  const documents: SourceDocument[] = [];
  for (const file of files) {
    documents.push(...(await readDocuments(file, stdin, options.stdinFilename)));
  }
  const results = evaluateDocuments(engine, documents);
  const failOnWarn = options.failOnWarn === true;
  const exitCode = exitCodeFor(results, failOnWarn);

  const output = renderReport(options.output, {
    results,
    revision: data.revision,
    failOnWarn,
    exitCode,
    toolVersion: await readToolVersion(),
  });
  await new Promise<void>((resolve, reject) => process.stdout.write(output, (error) => (error ? reject(error) : resolve())));
  return exitCode;
}

const HELP_AFTER = `
Budget sources (the first that is given):
  --bundle FILE|URL   a bundle from budgetgate bundle (.tar.gz) or its data.json, as a path or an http(s) URL
  --database-url URL  the newest budgets in this Postgres database
  DATABASE_URL        the newest budgets in this Postgres database
  (none)              the newest budgets in the embedded database in BUDGETGATE_DATA_DIR (default .budgetgate)
With a database, the thresholds, stale limit, fail-open types and no_data setting come from the
BUDGETGATE_* environment variables (see budgetgate --help); a bundle carries its own.

Output formats (--output):
  stdout   one line per finding, or per document without findings, then a summary line (alias: text)
  table    the same as an aligned table
  json     {revision, exit_code, summary, results}: one entry per document with its findings
  junit    JUnit XML: a testsuite per file, a testcase per document
  github   GitHub Actions workflow commands: ::error and ::warning annotations with file and line
  sarif    SARIF 2.1.0: a rule per finding code, a result per finding with file and line

Exit codes:
  0  no document is denied or unreadable (with --fail-on-warn: and none has warnings)
  1  a document is denied, or cannot be read, parsed or decided;
     with --fail-on-warn: a document has warnings, and none is denied or unreadable
  2  with --fail-on-warn: a document is denied, or cannot be read, parsed or decided;
     always: the command cannot run (invalid option, unreadable bundle, database error)

Examples:
  budgetgate check --bundle .budgetgate/bundle.tar.gz deploy/
  kubectl kustomize overlays/prod | budgetgate check --bundle https://budgets.example/bundle.tar.gz --stdin-filename prod.yaml -
  budgetgate check --database-url postgresql://gate@db/budgets --output sarif --fail-on-warn deploy/ > budgetgate.sarif`;

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "check deploy descriptors and Kubernetes manifests (YAML or JSON, several documents per file, kind: List) against the budgets",
    )
    .argument("<paths...>", "files, or folders searched recursively for .yaml, .yml and .json files; - reads standard input")
    .addOption(
      new Option("-b, --bundle <file-or-url>", "budget snapshot: a bundle (.tar.gz) or data.json, as a path or an http(s) URL (default: the database)"),
    )
    .addOption(
      new Option("--bundle-timeout <seconds>", "time limit for downloading a --bundle URL, in seconds")
        .default(DEFAULT_BUNDLE_TIMEOUT_SECONDS)
        .argParser(parseNumberOption("--bundle-timeout", 0.1, 3600)),
    )
    .addOption(
      new Option("--database-url <url>", "read the newest budgets from this Postgres database (default: DATABASE_URL, else the embedded database)").conflicts(
        "bundle",
      ),
    )
    .option("--now <time>", "evaluate as of this ISO 8601 time, for reproducible checks (default: the current time)", parseTimeOption("--now"))
    .addOption(new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("stdout"))
    .option("--fail-on-warn", "exit 1 on warnings, and 2 when a document is denied or cannot be checked (default: warnings exit 0)")
    .option("--stdin-filename <name>", "file name that reports give to standard input", "stdin")
    .addHelpText("after", HELP_AFTER)
    // Commander exits 1 on usage errors by default, which would read as "denied".
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? 0 : EXIT_CODES.usage);
    })
    .action(async (paths: string[], options: CheckOptions) => {
      process.exitCode = await runCheck(paths, options);
    });
}
