import type { CheckResult } from "./evaluate.ts";

const LABELS = { pass: "PASS", fail: "FAIL", skip: "SKIP", error: "ERROR" } as const;

function location(result: CheckResult): string {
  return result.line > 0 ? `${result.file}:${result.line}` : result.file;
}

function context(result: CheckResult): string {
  if (result.deployType === null && result.vertical === null) {
    return result.subject;
  }
  return `${result.subject} (${result.deployType ?? "?"} deploy, ${result.vertical ?? "?"})`;
}

/** Formats results as text: one line per violation, warning or escalation, or one line per document without any. */
export function formatText(results: readonly CheckResult[]): string[] {
  const lines: string[] = [];
  for (const result of results) {
    const head = `${location(result)} ${context(result)}`;
    if (result.status === "error" || result.status === "skip") {
      lines.push(`${LABELS[result.status].padEnd(5)} ${head}: ${result.reason ?? ""}`);
      continue;
    }
    for (const finding of result.violations) {
      lines.push(`FAIL  ${head}: ${finding.message}`);
    }
    for (const finding of result.escalations) {
      lines.push(`PAGE  ${head}: ${finding.message}`);
    }
    for (const finding of result.warnings) {
      lines.push(`WARN  ${head}: ${finding.message}`);
    }
    if (result.status === "pass" && result.violations.length === 0) {
      lines.push(`PASS  ${head}`);
    }
  }
  return lines;
}

/** Counts results by status, for the summary line. */
export function summarize(results: readonly CheckResult[]): Record<CheckResult["status"], number> {
  const counts = { pass: 0, fail: 0, skip: 0, error: 0 };
  for (const result of results) {
    counts[result.status] += 1;
  }
  return counts;
}
