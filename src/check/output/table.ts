import type { CheckResult } from "../evaluate.ts";
import { reportedFindings, summaryLine } from "../summary.ts";
import { labelOf, locationOf, toSingleLine, type CheckReport } from "./report.ts";

const HEADER = ["RESULT", "LOCATION", "SUBJECT", "DEPLOY TYPE", "VERTICAL", "MESSAGE"];

function rowsOf(result: CheckResult): string[][] {
  const cells = [locationOf(result), result.subject, result.deployType ?? "-", result.vertical ?? "-"];
  if (result.status === "error" || result.status === "skip") {
    return [[result.status === "error" ? "ERROR" : "SKIP", ...cells, result.reason ?? ""]];
  }
  const findings = reportedFindings(result);
  if (findings.length === 0) {
    return [["PASS", ...cells, ""]];
  }
  return findings.map((reported) => [labelOf(reported), ...cells, reported.finding.message]);
}

/**
 * Aligns rows into columns separated by two spaces. The last column is not padded.
 * NOTE: widths count code points, so East Asian wide characters and emoji misalign the columns.
 */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell + " ".repeat((widths[column] ?? 0) - [...cell].length)))
      .join("  ")
      .trimEnd(),
  );
}

/** Renders an aligned table with one row per finding or per document without findings, then the summary line. */
export function renderTable(report: CheckReport): string {
  const rows = [HEADER, ...report.results.flatMap(rowsOf)].map((row) => row.map(toSingleLine));
  return `${[...alignColumns(rows), "", toSingleLine(summaryLine(report.results, report.revision))].join("\n")}\n`;
}
