import type { CheckResult } from "../evaluate.ts";
import { reportedFindings, summaryLine } from "../summary.ts";
import { describeSubject, labelOf, locationOf, toSingleLine, type CheckReport } from "./report.ts";

/**
 * Formats results as lines: one per violation, escalation or warning, one `PASS` line for a
 * document without findings, and one `SKIP` or `ERROR` line with the reason.
 */
export function formatLines(results: readonly CheckResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const head = `${locationOf(result)} ${describeSubject(result)}`;
    if (result.status === "error" || result.status === "skip") {
      lines.push(`${result.status === "error" ? "ERROR" : "SKIP "} ${head}: ${result.reason ?? ""}`);
      continue;
    }
    const findings = reportedFindings(result);
    for (const reported of findings) {
      lines.push(`${labelOf(reported).padEnd(5)} ${head}: ${reported.finding.message}`);
    }
    if (findings.length === 0) {
      lines.push(`PASS  ${head}`);
    }
  }
  return lines.map(toSingleLine);
}

/** Renders the default output: the lines of formatLines, then the summary line. */
export function renderStdout(report: CheckReport): string {
  return [...formatLines(report.results), toSingleLine(summaryLine(report.results, report.revision))].join("\n") + "\n";
}
