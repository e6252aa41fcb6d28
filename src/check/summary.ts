import type { Finding } from "../policy/decision.ts";
import type { CheckResult, CheckStatus } from "./evaluate.ts";

/** Exit codes of `budgetgate check`, as conftest uses them. */
export const EXIT_CODES = {
  passed: 0,
  /** Without --fail-on-warn: a document is denied or cannot be checked. With it: warnings only. */
  failed: 1,
  /** With --fail-on-warn: a document is denied or cannot be checked. Always: a usage error. */
  failedOnWarn: 2,
  usage: 2,
} as const;

/** A finding with the list it came from and the severity it is reported with. */
export interface ReportedFinding {
  kind: "violation" | "escalation" | "warning";
  /** `error` for violations and escalations of a denied document, `warning` for everything else. */
  level: "error" | "warning";
  finding: Finding;
}

/**
 * Lists the findings of a result in report order: violations, escalations, warnings. The violations
 * of an allowed document (a break-glass override lets it through) are reported as warnings, as
 * conftest does with policy/main.
 */
export function reportedFindings(result: CheckResult): ReportedFinding[] {
  const denied = result.status === "fail";
  const blockingLevel: ReportedFinding["level"] = denied ? "error" : "warning";
  return [
    ...result.violations.map((finding) => ({ kind: "violation" as const, level: blockingLevel, finding })),
    ...result.escalations.map((finding) => ({ kind: "escalation" as const, level: blockingLevel, finding })),
    ...result.warnings.map((finding) => ({ kind: "warning" as const, level: "warning" as const, finding })),
  ];
}

/** Counts results by status. */
export function summarize(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const result of results) {
    counts[result.status] += 1;
  }
  return counts;
}

/**
 * Returns the exit code for a set of results. Without `failOnWarn`: 1 when a document is denied or
 * cannot be checked, otherwise 0. With it: 2 for denied or unchecked documents, 1 when the worst
 * is a warning, otherwise 0.
 */
export function exitCodeFor(results: readonly CheckResult[], failOnWarn: boolean): number {
  const counts = summarize(results);
  const failed = counts.fail + counts.error > 0;
  if (!failOnWarn) {
    return failed ? EXIT_CODES.failed : EXIT_CODES.passed;
  }
  if (failed) {
    return EXIT_CODES.failedOnWarn;
  }
  return counts.warn > 0 ? EXIT_CODES.failed : EXIT_CODES.passed;
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** One-line summary: `5 documents checked: 2 allowed (1 with warnings), 1 denied, 1 not gated, 1 error (budgets revision r)`. */
export function summaryLine(results: readonly CheckResult[], revision: string): string {
  const counts = summarize(results);
  return (
    `${plural(results.length, "document")} checked: ${counts.pass + counts.warn} allowed (${counts.warn} with warnings), ` +
    `${counts.fail} denied, ${counts.skip} not gated, ${plural(counts.error, "error")} (budgets revision ${revision})`
  );
}
