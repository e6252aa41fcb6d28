import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { escapeCommandData, escapeCommandProperty, renderGithub, workflowCommand } from "../../src/check/output/github.ts";
import { renderReport } from "../../src/check/output/index.ts";
import { buildJsonReport } from "../../src/check/output/json.ts";
import { renderJunit } from "../../src/check/output/junit.ts";
import { toSingleLine } from "../../src/check/output/report.ts";
import { artifactUri, buildSarifLog } from "../../src/check/output/sarif.ts";
import { formatLines, renderStdout } from "../../src/check/output/stdout.ts";
import { alignColumns, renderTable } from "../../src/check/output/table.ts";
import { buildFinding, buildMixedResults, buildReport, buildResult } from "./support.ts";

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
});

function overriddenResult() {
  return buildResult({
    status: "warn",
    violations: [buildFinding()],
    warnings: [buildFinding({ code: "break_glass", budget: null, remaining: null, threshold: null, message: 'break-glass override in effect with reason "incident 42"' })],
  });
}

describe("stdout output", () => {
  describe("#formatLines", () => {
    it("labels each status", () => {
      const lines = formatLines(buildMixedResults());
      expect(lines).toEqual([
        "PASS  deploy/app.yaml:1 Deployment/ok (prompt deploy, healthcare)",
        "WARN  deploy/app.yaml:7 Deployment/risky (prompt deploy, salon): quality budget of salon has 40.0% remaining",
        "FAIL  deploy/billing.yaml:1 Deployment/billing (finance deploy, healthcare): cost budget of healthcare has 5.0% remaining",
        "PAGE  deploy/billing.yaml:1 Deployment/billing (finance deploy, healthcare): cost budget of healthcare is below 10.0%",
        "SKIP  deploy/billing.yaml:12 Service/billing: no budgetgate.dev/deploy-type label or annotation",
        "ERROR deploy/broken.yaml:4 document: line 4, column 9: unexpected end",
      ]);
    });

    it("warns on overridden violations", () => {
      const lines = formatLines([overriddenResult()]);
      expect(lines).toHaveLength(2);
      expect(lines.every((line) => line.startsWith("WARN  "))).toBe(true);
    });

    it("keeps each finding on one line", () => {
      const result = buildResult({ file: "a\nb.yaml", status: "fail", violations: [buildFinding({ message: "one\r\ntwo\u0007" })] });
      const lines = formatLines([result]);
      expect(lines).toEqual(["FAIL  a b.yaml:1 Deployment/web (prompt deploy, healthcare): one  two "]);
    });

    it("omits line zero", () => {
      const result = buildResult({ file: "missing.yaml", line: 0, status: "error", subject: "document", deployType: null, vertical: null, reason: "could not read the file" });
      expect(formatLines([result])).toEqual(["ERROR missing.yaml document: could not read the file"]);
    });
  });

  describe("#renderStdout", () => {
    it("ends with the summary", () => {
      const output = renderStdout(buildReport(buildMixedResults()));
      const lines = output.trimEnd().split("\n");
      expect(lines.at(-1)).toBe("5 documents checked: 2 allowed (1 with warnings), 1 denied, 1 not gated, 1 error (budgets revision r1)");
      expect(output.endsWith("\n")).toBe(true);
    });
  });

  describe("when format is text", () => {
    it("renders as stdout", () => {
      const report = buildReport(buildMixedResults());
      expect(renderReport("text", report)).toBe(renderReport("stdout", report));
    });
  });
});

describe("table output", () => {
  describe("#alignColumns", () => {
    it("pads all but the last column", () => {
      expect(alignColumns([["A", "BB", "x"], ["CCC", "D", "long message"]])).toEqual(["A    BB  x", "CCC  D   long message"]);
    });

    it("counts code points", () => {
      expect(alignColumns([["é", "x"], ["ab", "y"]])).toEqual(["é   x", "ab  y"]);
    });
  });

  describe("#renderTable", () => {
    it("aligns the message column", () => {
      const lines = renderTable(buildReport(buildMixedResults())).trimEnd().split("\n");
      const [header, ...rest] = lines;
      const rows = rest.slice(0, -2);
      const messageColumn = header!.indexOf("MESSAGE");
      expect(header!.startsWith("RESULT  LOCATION")).toBe(true);
      expect(rows).toHaveLength(6);
      expect(rows[1]!.slice(messageColumn)).toBe("quality budget of salon has 40.0% remaining");
      expect(rows[5]!.slice(messageColumn)).toBe("line 4, column 9: unexpected end");
      expect(rows[0]!.startsWith("PASS ")).toBe(true);
      expect(rows[4]!).toMatch(/^SKIP\s+deploy\/billing\.yaml:12\s+Service\/billing\s+-\s+-\s+no budgetgate/);
    });

    it("ends with the summary", () => {
      const lines = renderTable(buildReport(buildMixedResults())).trimEnd().split("\n");
      expect(lines.at(-2)).toBe("");
      expect(lines.at(-1)).toMatch(/^5 documents checked: /);
    });
  });
});

describe("json output", () => {
  describe("#buildJsonReport", () => {
    it("has one entry per document", () => {
      const report = buildJsonReport(buildReport(buildMixedResults()));
      expect(report.results.map((result) => result.status)).toEqual(["pass", "warn", "fail", "skip", "error"]);
    });

    it("uses snake_case fields", () => {
      const [, warned] = buildJsonReport(buildReport(buildMixedResults())).results;
      expect(Object.keys(warned!).sort()).toEqual(
        ["column", "deploy_type", "escalations", "file", "index", "line", "reason", "status", "subject", "vertical", "violations", "warnings"].sort(),
      );
      expect(warned!.deploy_type).toBe("prompt");
      expect(warned!.warnings[0]!.code).toBe("budget_warning");
    });

    it("counts statuses", () => {
      const report = buildJsonReport(buildReport(buildMixedResults(), { exitCode: 2 }));
      expect(report.summary).toEqual({ documents: 5, pass: 1, warn: 1, fail: 1, skip: 1, error: 1 });
      expect(report.exit_code).toBe(2);
      expect(report.revision).toBe("r1");
    });

    it("keeps error positions", () => {
      const broken = buildJsonReport(buildReport(buildMixedResults())).results[4]!;
      expect(broken.line).toBe(4);
      expect(broken.column).toBe(9);
      expect(broken.reason).toBe("line 4, column 9: unexpected end");
    });
  });
});

describe("junit output", () => {
  describe("#renderJunit", () => {
    it("is well-formed XML", () => {
      const xml = renderJunit(buildReport(buildMixedResults()));
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    });

    it("groups testcases by file", () => {
      const parsed = xmlParser.parse(renderJunit(buildReport(buildMixedResults())));
      const suites = parsed.testsuites.testsuite;
      expect(suites.map((suite: any) => suite.name)).toEqual(["deploy/app.yaml", "deploy/billing.yaml", "deploy/broken.yaml"]);
      expect(suites.map((suite: any) => suite.testcase.length)).toEqual([2, 2, 1]);
      expect(suites[0].properties.property[0]).toEqual({ name: "budgets.revision", value: "r1" });
    });

    it("counts failures, errors, skips", () => {
      const root = xmlParser.parse(renderJunit(buildReport(buildMixedResults()))).testsuites;
      expect(root.tests).toBe("5");
      expect(root.failures).toBe("1");
      expect(root.errors).toBe("1");
      expect(root.skipped).toBe("1");
    });

    it("reports each status", () => {
      const suites = xmlParser.parse(renderJunit(buildReport(buildMixedResults()))).testsuites.testsuite;
      const [passed, warned] = suites[0].testcase;
      const [denied, skipped] = suites[1].testcase;
      const [broken] = suites[2].testcase;
      expect(passed.failure).toBeUndefined();
      expect(passed.name).toBe("Deployment/ok (prompt deploy, healthcare) at line 1");
      expect(passed.line).toBe("1");
      expect(warned["system-out"]).toBe("WARN budget_warning: quality budget of salon has 40.0% remaining");
      expect(warned.failure).toBeUndefined();
      expect(denied.failure.type).toBe("budget_below_threshold");
      expect(denied.failure.message).toBe("cost budget of healthcare has 5.0% remaining");
      expect(denied.failure["#text"]).toBe(
        "FAIL budget_below_threshold: cost budget of healthcare has 5.0% remaining\nPAGE budget_escalation: cost budget of healthcare is below 10.0%",
      );
      expect(skipped.skipped.message).toBe("not gated: no budgetgate.dev/deploy-type label or annotation");
      expect(broken.error.type).toBe("document_error");
      expect(broken.error.message).toBe("line 4, column 9: unexpected end");
    });

    it("fails warnings with failOnWarn", () => {
      const suites = xmlParser.parse(renderJunit(buildReport(buildMixedResults(), { failOnWarn: true }))).testsuites;
      const warned = suites.testsuite[0].testcase[1];
      expect(suites.failures).toBe("2");
      expect(warned.failure.type).toBe("budget_warning");
      expect(warned["system-out"]).toBeUndefined();
    });

    it("escapes markup", () => {
      const message = `5 < 6 & "quoted" 'single' ]]> <tag/>`;
      const result = buildResult({ file: "a&b<c>.yaml", status: "fail", violations: [buildFinding({ message })] });
      const xml = renderJunit(buildReport([result]));
      expect(XMLValidator.validate(xml)).toBe(true);
      const testcase = xmlParser.parse(xml).testsuites.testsuite[0].testcase[0];
      expect(testcase.classname).toBe("a&b<c>.yaml");
      expect(testcase.failure.message).toBe(message);
      expect(testcase.failure["#text"]).toBe(`FAIL budget_below_threshold: ${message}`);
    });

    it("replaces characters XML forbids", () => {
      const result = buildResult({ status: "fail", violations: [buildFinding({ message: "bell\u0007 nul\u0000 end" })] });
      const xml = renderJunit(buildReport([result]));
      expect(xml).not.toMatch(/[\u0000-\u0008]/);
      expect(xml).toContain("bell\uFFFD nul\uFFFD end");
      expect(XMLValidator.validate(xml)).toBe(true);
    });

    it("handles no documents", () => {
      const xml = renderJunit(buildReport([]));
      expect(XMLValidator.validate(xml)).toBe(true);
      expect(xmlParser.parse(xml).testsuites.tests).toBe("0");
    });
  });
});

describe("github output", () => {
  describe("#escapeCommandData", () => {
    it("escapes percent and line breaks", () => {
      expect(escapeCommandData("100%\r\nnext")).toBe("100%25%0D%0Anext");
    });

    it("keeps colons and commas", () => {
      expect(escapeCommandData("a: b, c")).toBe("a: b, c");
    });
  });

  describe("#escapeCommandProperty", () => {
    it("escapes colons and commas", () => {
      expect(escapeCommandProperty("C:\\a,b%\n")).toBe("C%3A\\a%2Cb%25%0A");
    });
  });

  describe("#workflowCommand", () => {
    it("builds a command with properties", () => {
      expect(workflowCommand("error", { file: "a,b.yaml", line: 3, col: undefined }, "x: 1%")).toBe("::error file=a%2Cb.yaml,line=3::x: 1%25");
    });

    it("builds a command without properties", () => {
      expect(workflowCommand("group", {}, "title")).toBe("::group::title");
    });
  });

  describe("#renderGithub", () => {
    it("annotates findings and errors", () => {
      const lines = renderGithub(buildReport(buildMixedResults())).trimEnd().split("\n");
      expect(lines).toEqual([
        "::group::budgetgate check deploy/app.yaml",
        "PASS  deploy/app.yaml:1 Deployment/ok (prompt deploy, healthcare)",
        "::warning file=deploy/app.yaml,line=7,title=budgetgate budget_warning%3A Deployment/risky (prompt deploy%2C salon)::quality budget of salon has 40.0%25 remaining",
        "::endgroup::",
        "::group::budgetgate check deploy/billing.yaml",
        "::error file=deploy/billing.yaml,line=1,title=budgetgate budget_below_threshold%3A Deployment/billing (finance deploy%2C healthcare)::cost budget of healthcare has 5.0%25 remaining",
        "::error file=deploy/billing.yaml,line=1,title=budgetgate budget_escalation%3A Deployment/billing (finance deploy%2C healthcare)::cost budget of healthcare is below 10.0%25",
        "SKIP  deploy/billing.yaml:12 Service/billing: no budgetgate.dev/deploy-type label or annotation",
        "::endgroup::",
        "::group::budgetgate check deploy/broken.yaml",
        "::error file=deploy/broken.yaml,line=4,col=9,title=budgetgate%3A document could not be checked::line 4, column 9: unexpected end",
        "::endgroup::",
        "5 documents checked: 2 allowed (1 with warnings), 1 denied, 1 not gated, 1 error (budgets revision r1)",
      ]);
    });

    it("warns on overridden violations", () => {
      const lines = renderGithub(buildReport([overriddenResult()])).split("\n");
      const annotations = lines.filter((line) => /^::(error|warning) /.test(line));
      expect(annotations).toHaveLength(2);
      expect(annotations.every((line) => line.startsWith("::warning "))).toBe(true);
    });

    it("cannot inject commands", () => {
      const result = buildResult({ file: "x\n::error::fake.yaml", status: "fail", violations: [buildFinding({ message: "a\n::warning::b" })] });
      const lines = renderGithub(buildReport([result])).split("\n");
      expect(lines.filter((line) => line.startsWith("::error") || line.startsWith("::warning"))).toHaveLength(1);
      expect(lines.some((line) => line.includes("a%0A::warning::b"))).toBe(true);
    });
  });
});

describe("sarif output", () => {
  describe("#artifactUri", () => {
    it("keeps relative paths relative", () => {
      expect(artifactUri("deploy/app one.yaml")).toBe("deploy/app%20one.yaml");
    });

    it("encodes colons and hashes", () => {
      expect(artifactUri("a:b/#c.yaml")).toBe("a%3Ab/%23c.yaml");
    });

    it("turns absolute paths into file URIs", () => {
      expect(artifactUri("/srv/deploy/app.yaml")).toBe("file:///srv/deploy/app.yaml");
    });
  });

  describe("#buildSarifLog", () => {
    it("declares version 2.1.0", () => {
      const log = buildSarifLog(buildReport(buildMixedResults()));
      expect(log.version).toBe("2.1.0");
      expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
      expect(log.runs).toHaveLength(1);
      expect(log.runs[0]!.tool.driver.name).toBe("budgetgate");
      expect(log.runs[0]!.tool.driver.version).toBe("0.0.0-test");
    });

    it("has one rule per code", () => {
      const run = buildSarifLog(buildReport(buildMixedResults())).runs[0]!;
      const ids = run.tool.driver.rules!.map((rule) => rule.id);
      expect(ids).toEqual(["budget_below_threshold", "budget_escalation", "budget_warning", "document_error"]);
      for (const rule of run.tool.driver.rules!) {
        expect(rule.shortDescription?.text).toBeTruthy();
      }
    });

    it("links results to rules", () => {
      const run = buildSarifLog(buildReport(buildMixedResults())).runs[0]!;
      const rules = run.tool.driver.rules!;
      expect(run.results).toHaveLength(4);
      for (const result of run.results!) {
        expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
      }
    });

    it("sets levels", () => {
      const run = buildSarifLog(buildReport([...buildMixedResults(), overriddenResult()])).runs[0]!;
      const levels = run.results!.map((result) => `${result.ruleId}:${result.level}`);
      expect(levels).toEqual([
        "budget_warning:warning",
        "budget_below_threshold:error",
        "budget_escalation:error",
        "document_error:error",
        "budget_below_threshold:warning",
        "break_glass:warning",
      ]);
    });

    it("locates results", () => {
      const run = buildSarifLog(buildReport(buildMixedResults())).runs[0]!;
      const broken = run.results!.find((result) => result.ruleId === "document_error")!;
      const location = broken.locations![0]!.physicalLocation!;
      expect(location.artifactLocation!.uri).toBe("deploy/broken.yaml");
      expect(location.region).toEqual({ startLine: 4, startColumn: 9 });
      expect(broken.message.text).toBe("line 4, column 9: unexpected end");
      expect(broken.locations![0]!.logicalLocations![0]!.fullyQualifiedName).toBe("document");
    });

    it("omits unknown lines", () => {
      const result = buildResult({ line: 0, status: "error", reason: "could not read the file" });
      const location = buildSarifLog(buildReport([result])).runs[0]!.results![0]!.locations![0]!.physicalLocation!;
      expect(location.region).toBeUndefined();
    });

    it("records the exit code", () => {
      const run = buildSarifLog(buildReport(buildMixedResults(), { exitCode: 2 })).runs[0]!;
      expect(run.invocations).toEqual([{ executionSuccessful: true, exitCode: 2 }]);
    });

    it("has no results for passes", () => {
      const run = buildSarifLog(buildReport([buildResult()])).runs[0]!;
      expect(run.results).toEqual([]);
      expect(run.tool.driver.rules).toEqual([]);
    });
  });
});

describe("toSingleLine", () => {
  it("replaces control characters", () => {
    expect(toSingleLine("a\nb\tc\u2028d")).toBe("a b c d");
  });
});
