import type { Finding } from "../../policy/decision.ts";
import type { CheckStatus } from "../evaluate.ts";
import { summarize } from "../summary.ts";
import type { CheckReport } from "./report.ts";

/** One document in the JSON output. Field names are snake_case, as in the policy's results. */
export interface JsonResult {
  file: string;
  /** Position of the document in its file, from 0. */
  index: number;
  /** Start line of the document, or of the error; 0 when unknown. */
  line: number;
  column: number | null;
  subject: string;
  status: CheckStatus;
  deploy_type: string | null;
  vertical: string | null;
  violations: Finding[];
  warnings: Finding[];
  escalations: Finding[];
  /** Reason the document was skipped or could not be checked, or null. */
  reason: string | null;
}

/** The whole JSON output. */
export interface JsonReport {
  revision: string;
  exit_code: number;
  summary: Record<CheckStatus, number> & { documents: number };
  results: JsonResult[];
}

/** Builds the JSON output: the budget revision, counts by status and one entry per document. */
export function buildJsonReport(report: CheckReport): JsonReport {
  return {
    revision: report.revision,
    exit_code: report.exitCode,
    summary: { documents: report.results.length, ...summarize(report.results) },
    results: report.results.map((result) => ({
      file: result.file,
      index: result.index,
      line: result.line,
      column: result.column,
      subject: result.subject,
      status: result.status,
      deploy_type: result.deployType,
      vertical: result.vertical,
      violations: result.violations,
      warnings: result.warnings,
      escalations: result.escalations,
      reason: result.reason,
    })),
  };
}

/** Renders the JSON output, indented by two spaces. */
export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(buildJsonReport(report), null, 2)}\n`;
}
