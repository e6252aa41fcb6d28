import { renderGithub } from "./github.ts";
import { renderJson } from "./json.ts";
import { renderJunit } from "./junit.ts";
import type { CheckReport } from "./report.ts";
import { renderSarif } from "./sarif.ts";
import { renderStdout } from "./stdout.ts";
import { renderTable } from "./table.ts";

export type { CheckReport } from "./report.ts";

/** Output formats of `budgetgate check`; `text` is an alias of `stdout`. */
export const OUTPUT_FORMATS = ["stdout", "text", "json", "junit", "github", "sarif", "table"] as const;

export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const RENDERERS: Record<OutputFormat, (report: CheckReport) => string> = {
  stdout: renderStdout,
  text: renderStdout,
  json: renderJson,
  junit: renderJunit,
  github: renderGithub,
  sarif: renderSarif,
  table: renderTable,
};

/** Renders a report in one output format, ending with a newline. */
export function renderReport(format: OutputFormat, report: CheckReport): string {
  return RENDERERS[format](report);
}
