import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces.js";
import type { CheckResult } from "../evaluate.ts";
import { reportedFindings, summarize } from "../summary.ts";
import { describeSubject, groupByFile, labelOf, type CheckReport } from "./report.ts";

/** Code of the failure type for documents that could not be read, parsed or decided. */
const DOCUMENT_ERROR = "document_error";

/** Counts for the attributes of a testsuite or testsuites element. */
function suiteCounts(results: readonly CheckResult[], failOnWarn: boolean) {
  const counts = summarize(results);
  return {
    tests: String(results.length),
    failures: String(counts.fail + (failOnWarn ? counts.warn : 0)),
    errors: String(counts.error),
    skipped: String(counts.skip),
  };
}

function testcaseName(result: CheckResult): string {
  const subject = describeSubject(result);
  return result.line > 0 ? `${subject} at line ${result.line}` : subject;
}

/** Lines such as `FAIL budget_below_threshold: quality budget of …`, one per finding. */
function findingLines(result: CheckResult): string[] {
  return reportedFindings(result).map((reported) => `${labelOf(reported)} ${reported.finding.code}: ${reported.finding.message}`);
}

function addTestcase(suite: XMLBuilder, result: CheckResult, failOnWarn: boolean): void {
  const testcase = suite.ele("testcase", {
    name: testcaseName(result),
    classname: result.file,
    file: result.file,
    line: String(result.line),
  });
  const [first] = reportedFindings(result);
  switch (result.status) {
    case "pass":
      return;
    case "skip":
      testcase.ele("skipped", { message: `not gated: ${result.reason ?? ""}` });
      return;
    case "error":
      testcase.ele("error", { message: result.reason ?? "", type: DOCUMENT_ERROR }).txt(result.reason ?? "");
      return;
    case "fail":
      testcase.ele("failure", { message: first?.finding.message ?? "denied", type: first?.finding.code ?? "denied" }).txt(findingLines(result).join("\n"));
      return;
    case "warn":
      if (failOnWarn) {
        testcase.ele("failure", { message: first?.finding.message ?? "warning", type: first?.finding.code ?? "warning" }).txt(findingLines(result).join("\n"));
      } else {
        testcase.ele("system-out").txt(findingLines(result).join("\n"));
      }
      return;
  }
}

/**
 * Renders a JUnit XML report: one testsuite per file and one testcase per document. A denied
 * document is a failure, one that could not be checked an error, one that is not gated is skipped,
 * and the findings of an allowed document go to system-out (or are a failure with --fail-on-warn).
 */
export function renderJunit(report: CheckReport): string {
  // Characters that XML 1.0 does not allow, such as most control characters, become U+FFFD.
  const document = create({ version: "1.0", encoding: "UTF-8", invalidCharReplacement: "\uFFFD" });
  const root = document.ele("testsuites", { name: "budgetgate check", ...suiteCounts(report.results, report.failOnWarn) });

  for (const [file, results] of groupByFile(report.results)) {
    const suite = root.ele("testsuite", { name: file, ...suiteCounts(results, report.failOnWarn) });
    suite.ele("properties").ele("property", { name: "budgets.revision", value: report.revision });
    for (const result of results) {
      addTestcase(suite, result, report.failOnWarn);
    }
  }
  return `${document.end({ prettyPrint: true })}\n`;
}
