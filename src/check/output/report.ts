import type { CheckResult } from "../evaluate.ts";
import type { ReportedFinding } from "../summary.ts";

/** Everything an output format needs to render one run of `budgetgate check`. */
export interface CheckReport {
  results: readonly CheckResult[];
  /** Revision of the budget data the documents were decided with. */
  revision: string;
  /** Whether warnings fail the run, which JUnit reports as failures. */
  failOnWarn: boolean;
  /** Exit code of the run, which SARIF records in its invocation. */
  exitCode: number;
  /** budgetgate's version, for SARIF's tool driver. */
  toolVersion: string;
}

/** `file:line`, or the file alone when the line is unknown. */
export function locationOf(result: CheckResult): string {
  return result.line > 0 ? `${result.file}:${result.line}` : result.file;
}

/** Formats the subject with its deploy type and vertical, such as `Deployment/web (prompt deploy, healthcare)`. */
export function describeSubject(result: CheckResult): string {
  if (result.deployType === null && result.vertical === null) {
    return result.subject;
  }
  return `${result.subject} (${result.deployType ?? "?"} deploy, ${result.vertical ?? "?"})`;
}

/**
 * Replaces line breaks and other control characters with spaces, so that a file name or message
 * cannot start a new line in line-based output.
 */
export function toSingleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ");
}

/** Groups results by file, in the order in which the files first appear. */
export function groupByFile(results: readonly CheckResult[]): Map<string, CheckResult[]> {
  const groups = new Map<string, CheckResult[]>();
  for (const result of results) {
    const group = groups.get(result.file) ?? [];
    group.push(result);
    groups.set(result.file, group);
  }
  return groups;
}

/** Returns the label of a finding in line output. A violation of a denied document fails, and an overridden one only warns. */
export function labelOf(reported: ReportedFinding): "FAIL" | "WARN" | "PAGE" {
  if (reported.kind === "escalation") {
    return "PAGE";
  }
  return reported.level === "error" ? "FAIL" : "WARN";
}
