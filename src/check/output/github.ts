import type { CheckResult } from "../evaluate.ts";
import { reportedFindings, summaryLine } from "../summary.ts";
import { formatLines } from "./stdout.ts";
import { describeSubject, groupByFile, toSingleLine, type CheckReport } from "./report.ts";

/** Escapes the message of a workflow command, as GitHub's actions toolkit does. */
export function escapeCommandData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a property value of a workflow command: the data escapes plus `:` and `,`. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/** Builds `::command key=value,…::message` with escaped properties and message. */
export function workflowCommand(command: string, properties: Record<string, string | number | undefined>, message: string): string {
  const pairs = Object.entries(properties)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeCommandProperty(String(value))}`);
  const head = pairs.length > 0 ? `::${command} ${pairs.join(",")}` : `::${command}`;
  return `${head}::${escapeCommandData(message)}`;
}

function positionOf(result: CheckResult): { file: string; line: number | undefined; col: number | undefined } {
  return {
    file: result.file,
    line: result.line > 0 ? result.line : undefined,
    col: result.column ?? undefined,
  };
}

function annotations(result: CheckResult): string[] {
  if (result.status === "error") {
    return [workflowCommand("error", { ...positionOf(result), title: `budgetgate: ${result.subject} could not be checked` }, result.reason ?? "")];
  }
  return reportedFindings(result).map((reported) =>
    workflowCommand(
      reported.level,
      { ...positionOf(result), title: `budgetgate ${reported.finding.code}: ${describeSubject(result)}` },
      reported.finding.message,
    ),
  );
}

/**
 * Renders GitHub Actions workflow commands, with a log group per file and the summary line at the
 * end. Each violation or escalation of a denied document, and each document that could not be
 * checked, is an `::error` annotation. Every other finding is a `::warning`, and a document without
 * findings is a plain line.
 */
export function renderGithub(report: CheckReport): string {
  const lines: string[] = [];
  for (const [file, results] of groupByFile(report.results)) {
    lines.push(workflowCommand("group", {}, `budgetgate check ${file}`));
    for (const result of results) {
      const commands = annotations(result);
      lines.push(...(commands.length > 0 ? commands : formatLines([result])));
    }
    lines.push("::endgroup::");
  }
  lines.push(toSingleLine(summaryLine(report.results, report.revision)));
  return `${lines.join("\n")}\n`;
}
