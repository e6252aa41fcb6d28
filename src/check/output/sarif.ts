import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Location, Log, ReportingDescriptor, Result } from "sarif";
import type { CheckResult } from "../evaluate.ts";
import { reportedFindings } from "../summary.ts";
import type { CheckReport } from "./report.ts";

const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** Rule of documents that could not be read, parsed or decided. */
export const DOCUMENT_ERROR_RULE = "document_error";

/** Short descriptions of the finding codes of docs/policy.md; a code not listed gets a generic one. */
const RULE_DESCRIPTIONS: Record<string, string> = {
  budget_below_threshold: "A required error budget has less remaining than the block threshold",
  budget_escalation: "A required error budget is below the escalation threshold, so the engineering manager is paged",
  budget_warning: "A required error budget is below the warning threshold but not below the block threshold",
  missing_deploy_type: "The deploy names no deploy type",
  unknown_deploy_type: "The deploy type is not configured in the budget data",
  missing_vertical: "The deploy names no vertical",
  unknown_vertical: "The vertical has no budgets in the budget data",
  missing_budget: "A budget that the deploy type requires is missing from the budget data",
  no_data: "A required budget has no data in its window",
  stale_budgets: "The budget data is older than its age limit",
  empty_break_glass_reason: "The break-glass override has an empty reason",
  break_glass: "A break-glass override lets the deploy through",
  [DOCUMENT_ERROR_RULE]: "The document could not be read, parsed or decided",
};

/** Codes that are warnings unless a denied document reports them. */
const WARNING_CODES = new Set(["budget_warning", "break_glass"]);

/**
 * Returns the artifact URI of a file: a relative reference with `/` separators for a relative
 * path, so that GitHub resolves it against the repository root, and a file:// URI for an
 * absolute path.
 */
export function artifactUri(file: string): string {
  if (path.isAbsolute(file)) {
    return pathToFileURL(file).href;
  }
  return file
    .split(path.sep)
    .flatMap((segment) => segment.split("/"))
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

function locationOf(result: CheckResult): Location {
  const region =
    result.line > 0 ? { startLine: result.line, ...(result.column !== null ? { startColumn: result.column } : {}) } : undefined;
  return {
    physicalLocation: {
      artifactLocation: { uri: artifactUri(result.file) },
      ...(region !== undefined ? { region } : {}),
    },
    logicalLocations: [{ fullyQualifiedName: result.subject, kind: "object" }],
  };
}

function ruleFor(code: string): ReportingDescriptor {
  return {
    id: code,
    shortDescription: { text: RULE_DESCRIPTIONS[code] ?? `budgetgate policy finding ${code}` },
    defaultConfiguration: { level: WARNING_CODES.has(code) ? "warning" : "error" },
  };
}

/** Lists the SARIF results of one document, each with its rule code. */
function resultsOf(result: CheckResult): Result[] {
  const properties = { subject: result.subject, status: result.status, deploy_type: result.deployType, vertical: result.vertical };
  if (result.status === "error") {
    return [
      {
        ruleId: DOCUMENT_ERROR_RULE,
        level: "error",
        message: { text: result.reason ?? "the document could not be checked" },
        locations: [locationOf(result)],
        properties,
      },
    ];
  }
  return reportedFindings(result).map((reported) => ({
    ruleId: reported.finding.code,
    level: reported.level,
    message: { text: reported.finding.message },
    locations: [locationOf(result)],
    properties: {
      ...properties,
      kind: reported.kind,
      budget: reported.finding.budget,
      remaining: reported.finding.remaining,
      threshold: reported.finding.threshold,
    },
  }));
}

/**
 * Builds a SARIF 2.1.0 log with one run: a rule per finding code that occurs, and a result per
 * finding (and per document that could not be checked) with its file, line and level.
 * Documents that pass or are not gated produce no results.
 */
export function buildSarifLog(report: CheckReport): Log {
  const results = report.results.flatMap(resultsOf);
  const codes = [...new Set(results.map((result) => result.ruleId ?? DOCUMENT_ERROR_RULE))].sort();
  const ruleIndex = new Map(codes.map((code, index) => [code, index]));
  for (const result of results) {
    result.ruleIndex = ruleIndex.get(result.ruleId ?? DOCUMENT_ERROR_RULE);
  }
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "budgetgate", version: report.toolVersion, rules: codes.map(ruleFor) } },
        invocations: [{ executionSuccessful: true, exitCode: report.exitCode }],
        properties: { revision: report.revision },
        results,
      },
    ],
  };
}

/** Renders the SARIF log as indented JSON. */
export function renderSarif(report: CheckReport): string {
  return `${JSON.stringify(buildSarifLog(report), null, 2)}\n`;
}
