import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Log } from "sarif";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JsonReport } from "../../src/check/output/json.ts";
import { runCli, type CliResult } from "../helpers/cli.ts";
import { NOW, writeManifests, writeSnapshots, type ManifestName } from "./support.ts";

/** The checks of mixed.yaml and pass.yaml, in output order. */
const EXPECTED = [
  { file: "mixed.yaml", line: 1, subject: "Deployment/billing", status: "fail" },
  { file: "mixed.yaml", line: 9, subject: "Deployment/hotfix", status: "warn" },
  { file: "mixed.yaml", line: 22, subject: "document", status: "error" },
  { file: "mixed.yaml", line: 26, subject: "Deployment/worker", status: "pass" },
  { file: "mixed.yaml", line: 31, subject: "Deployment/chatbot", status: "warn" },
  { file: "pass.yaml", line: 1, subject: "Deployment/web", status: "pass" },
  { file: "pass.yaml", line: 9, subject: "Service/web", status: "skip" },
];

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["testsuite", "testcase"].includes(name),
});

describe("budgetgate check", () => {
  let folder: string;
  let bundle: string;
  let manifests: Record<ManifestName, string>;

  /** Checks mixed.yaml and pass.yaml (or `files`) against the bundle at NOW. */
  function check(options: string[], files: string[] = [manifests["mixed.yaml"], manifests["pass.yaml"]], extra: { stdin?: string; cwd?: string } = {}): Promise<CliResult> {
    return runCli(["check", "--bundle", bundle, "--now", NOW, ...options, ...files], extra);
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-check-cli-"));
    ({ bundle } = await writeSnapshots(folder));
    manifests = await writeManifests(folder);
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  describe("when output is stdout", () => {
    let result: CliResult;

    beforeAll(async () => {
      result = await check([]);
    });

    it("prints a line per finding", () => {
      const lines = result.stdout.trimEnd().split("\n");
      expect(lines).toHaveLength(10);
      expect(lines[0]).toBe(
        `FAIL  ${manifests["mixed.yaml"]}:1 Deployment/billing (finance deploy, healthcare): cost budget of healthcare has 5.0% remaining, below the 25.0% required for finance deploys`,
      );
      expect(lines[1]).toMatch(/^PAGE  .*mixed\.yaml:1 Deployment\/billing .*so the engineering manager is paged$/);
      expect(lines[2]).toMatch(/^WARN  .*mixed\.yaml:9 Deployment\/hotfix .*quality budget of healthcare has 18\.0% remaining/);
      expect(lines[3]).toMatch(/^WARN  .*mixed\.yaml:9 Deployment\/hotfix .*break-glass override in effect with reason "incident 42: 100%, <b>&"q" {2}"/);
      expect(lines[4]).toMatch(/^ERROR .*mixed\.yaml:22 document: line 22, column 1: /);
      expect(lines[5]).toMatch(/^PASS  .*mixed\.yaml:26 Deployment\/worker \(platform deploy, healthcare\)$/);
      expect(lines[6]).toMatch(/^WARN  .*mixed\.yaml:31 Deployment\/chatbot /);
      expect(lines[7]).toMatch(/^PASS  .*pass\.yaml:1 Deployment\/web /);
      expect(lines[8]).toMatch(/^SKIP  .*pass\.yaml:9 Service\/web: no budgetgate\.dev\/deploy-type label or annotation$/);
    });

    it("ends with the summary", () => {
      const lines = result.stdout.trimEnd().split("\n");
      expect(lines.at(-1)).toMatch(/^7 documents checked: 4 allowed \(2 with warnings\), 1 denied, 1 not gated, 1 error \(budgets revision test-\d+\)$/);
    });

    it("exits 1", () => {
      expect(result.code).toBe(1);
      expect(result.stderr).toBe("");
    });
  });

  describe("when output is table", () => {
    it("aligns columns", async () => {
      const result = await check(["--output", "table"]);
      const lines = result.stdout.trimEnd().split("\n");
      const header = lines[0]!;
      const messageColumn = header.indexOf("MESSAGE");
      expect(header).toMatch(/^RESULT\s+LOCATION\s+SUBJECT\s+DEPLOY TYPE\s+VERTICAL\s+MESSAGE$/);
      expect(lines[1]!.slice(messageColumn)).toBe("cost budget of healthcare has 5.0% remaining, below the 25.0% required for finance deploys");
      expect(lines[1]).toMatch(/^FAIL\s+\S+mixed\.yaml:1\s+Deployment\/billing\s+finance\s+healthcare\s+cost budget/);
      expect(lines.at(-1)).toMatch(/^7 documents checked: /);
      expect(result.code).toBe(1);
    });
  });

  describe("when output is json", () => {
    let report: JsonReport;
    let result: CliResult;

    beforeAll(async () => {
      result = await check(["--output", "json"]);
      report = JSON.parse(result.stdout) as JsonReport;
    });

    it("has one entry per document", () => {
      const entries = report.results.map((entry) => ({ file: path.basename(entry.file), line: entry.line, subject: entry.subject, status: entry.status }));
      expect(entries).toEqual(EXPECTED);
    });

    it("includes deploy type, vertical, findings", () => {
      const billing = report.results[0]!;
      expect(billing.deploy_type).toBe("finance");
      expect(billing.vertical).toBe("healthcare");
      expect(billing.violations.map((finding) => finding.code)).toEqual(["budget_below_threshold"]);
      expect(billing.escalations.map((finding) => finding.code)).toEqual(["budget_escalation"]);
      expect(billing.violations[0]).toMatchObject({ budget: "cost", remaining: 0.05, threshold: 0.25 });
    });

    it("keeps the break-glass reason", () => {
      const hotfix = report.results[1]!;
      expect(hotfix.warnings.map((finding) => finding.code)).toEqual(["break_glass"]);
      expect(hotfix.warnings[0]!.message).toContain('"incident 42: 100%, <b>&"q"\n\u0007"');
    });

    it("reports the parse error", () => {
      const broken = report.results[2]!;
      expect(broken.column).toBe(1);
      expect(broken.reason).toMatch(/^line 22, column 1: /);
    });

    it("summarizes", () => {
      expect(report.summary).toEqual({ documents: 7, pass: 2, warn: 2, fail: 1, skip: 1, error: 1 });
      expect(report.exit_code).toBe(1);
      expect(report.revision).toMatch(/^test-\d+$/);
      expect(result.code).toBe(1);
    });
  });

  describe("when output is junit", () => {
    let xml: string;
    let suites: any[];

    beforeAll(async () => {
      const result = await check(["--output", "junit"]);
      xml = result.stdout;
      suites = xmlParser.parse(xml).testsuites.testsuite;
    });

    it("is well-formed XML", () => {
      expect(XMLValidator.validate(xml)).toBe(true);
    });

    it("has a testcase per document", () => {
      expect(suites.map((suite) => path.basename(suite.name))).toEqual(["mixed.yaml", "pass.yaml"]);
      const names = suites.flatMap((suite) => suite.testcase.map((testcase: any) => testcase.name));
      expect(names).toEqual([
        "Deployment/billing (finance deploy, healthcare) at line 1",
        "Deployment/hotfix (prompt deploy, healthcare) at line 9",
        "document at line 22",
        "Deployment/worker (platform deploy, healthcare) at line 26",
        "Deployment/chatbot (prompt deploy, salon) at line 31",
        "Deployment/web (platform deploy, salon) at line 1",
        "Service/web at line 9",
      ]);
    });

    it("marks failures, errors, skips", () => {
      const [mixed, passing] = suites;
      expect(mixed).toMatchObject({ tests: "5", failures: "1", errors: "1", skipped: "0" });
      expect(passing).toMatchObject({ tests: "2", failures: "0", errors: "0", skipped: "1" });
      expect(mixed.testcase[0].failure.type).toBe("budget_below_threshold");
      expect(mixed.testcase[2].error.type).toBe("document_error");
      expect(passing.testcase[1].skipped).toBeDefined();
    });

    it("escapes the break-glass reason", () => {
      expect(xml).not.toContain("\u0007");
      const output = suites[0].testcase[1]["system-out"];
      expect(output).toContain('reason "incident 42: 100%, <b>&"q"\n\uFFFD"');
    });
  });

  describe("when output is github", () => {
    let lines: string[];

    beforeAll(async () => {
      const result = await check(["--output", "github"], ["mixed.yaml", "pass.yaml"], { cwd: folder });
      lines = result.stdout.trimEnd().split("\n");
    });

    it("annotates denied documents", () => {
      expect(lines).toContain(
        "::error file=mixed.yaml,line=1,title=budgetgate budget_below_threshold%3A Deployment/billing (finance deploy%2C healthcare)::cost budget of healthcare has 5.0%25 remaining, below the 25.0%25 required for finance deploys",
      );
    });

    it("annotates parse errors", () => {
      expect(lines.some((line) => line.startsWith("::error file=mixed.yaml,line=22,col=1,title=budgetgate%3A document could not be checked::line 22, column 1: "))).toBe(true);
    });

    it("warns with escaped data", () => {
      const breakGlass = lines.find((line) => line.startsWith("::warning file=mixed.yaml,line=9,title=budgetgate break_glass"));
      expect(breakGlass).toContain('reason "incident 42: 100%25, <b>&"q"%0A\u0007"');
    });

    it("prints only known commands", () => {
      const commands = lines.filter((line) => line.startsWith("::")).map((line) => /^::([a-z]+)/.exec(line)?.[1]);
      expect(new Set(commands)).toEqual(new Set(["group", "endgroup", "error", "warning"]));
      expect(lines.filter((line) => line.startsWith("::error "))).toHaveLength(3);
      expect(lines.filter((line) => line.startsWith("::warning "))).toHaveLength(3);
    });

    it("groups by file", () => {
      expect(lines.filter((line) => line.startsWith("::group::"))).toEqual(["::group::budgetgate check mixed.yaml", "::group::budgetgate check pass.yaml"]);
    });
  });

  describe("when output is sarif", () => {
    let log: Log;
    let code: number | null;

    beforeAll(async () => {
      const result = await check(["--output", "sarif"], ["mixed.yaml", manifests["pass.yaml"], "missing.yaml"], { cwd: folder });
      code = result.code;
      log = JSON.parse(result.stdout) as Log;
    });

    it("declares SARIF 2.1.0", () => {
      expect(log.version).toBe("2.1.0");
      expect(log.runs).toHaveLength(1);
      expect(log.runs[0]!.tool.driver.name).toBe("budgetgate");
    });

    it("has a rule per code", () => {
      const rules = log.runs[0]!.tool.driver.rules!.map((rule) => rule.id);
      expect(rules).toEqual(["break_glass", "budget_below_threshold", "budget_escalation", "budget_warning", "document_error"]);
    });

    it("locates each result", () => {
      const results = log.runs[0]!.results!;
      const summary = results.map((result) => {
        const location = result.locations![0]!.physicalLocation!;
        return `${result.ruleId} ${result.level} ${location.artifactLocation!.uri}:${location.region?.startLine ?? "-"}`;
      });
      expect(summary).toEqual([
        "budget_below_threshold error mixed.yaml:1",
        "budget_escalation error mixed.yaml:1",
        "budget_below_threshold warning mixed.yaml:9",
        "break_glass warning mixed.yaml:9",
        "document_error error mixed.yaml:22",
        "budget_warning warning mixed.yaml:31",
        "document_error error missing.yaml:-",
      ]);
    });

    it("links results to rules", () => {
      const run = log.runs[0]!;
      for (const result of run.results!) {
        expect(run.tool.driver.rules![result.ruleIndex!]!.id).toBe(result.ruleId);
      }
    });

    it("uses file URIs for absolute paths", async () => {
      const result = await check(["--output", "sarif"], [manifests["fail.yaml"]]);
      const parsed = JSON.parse(result.stdout) as Log;
      const uri = parsed.runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation!.uri;
      expect(uri).toBe(pathToFileURL(manifests["fail.yaml"]).href);
    });

    it("records the exit code", () => {
      expect(code).toBe(1);
      expect(log.runs[0]!.invocations).toEqual([{ executionSuccessful: true, exitCode: 1 }]);
    });
  });

  describe("exit codes", () => {
    const cases: { files: ManifestName[]; plain: number; failOnWarn: number }[] = [
      { files: ["pass.yaml"], plain: 0, failOnWarn: 0 },
      { files: ["pass.yaml", "warn.yaml"], plain: 0, failOnWarn: 1 },
      { files: ["pass.yaml", "fail.yaml"], plain: 1, failOnWarn: 2 },
      { files: ["broken.yaml"], plain: 1, failOnWarn: 2 },
      { files: ["warn.yaml", "fail.yaml"], plain: 1, failOnWarn: 2 },
    ];

    it.each(cases)("exits $plain for $files", async ({ files, plain }) => {
      const result = await check([], files.map((file) => manifests[file]));
      expect(result.code).toBe(plain);
    });

    it.each(cases)("exits $failOnWarn for $files on warn", async ({ files, failOnWarn }) => {
      const result = await check(["--fail-on-warn"], files.map((file) => manifests[file]));
      expect(result.code).toBe(failOnWarn);
    });

    it("fails on a missing file", async () => {
      const result = await check([], [path.join(folder, "missing.yaml")]);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^ERROR \S+missing\.yaml document: could not read the file: ENOENT/m);
    });

    it("exits 2 on invalid output", async () => {
      const result = await check(["--output", "xml"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("argument 'xml' is invalid");
    });

    it("exits 2 on invalid --now", async () => {
      const result = await runCli(["check", "--bundle", bundle, "--now", "yesterday", manifests["pass.yaml"]]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--now must be an ISO 8601 time");
    });

    it("exits 2 on two budget sources", async () => {
      const result = await check(["--database-url", "postgresql://127.0.0.1:1/none"]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/option '--database-url <url>' cannot be used with option '-b, --bundle/);
    });

    it("exits 2 on missing bundle", async () => {
      const result = await runCli(["check", "--bundle", path.join(folder, "nope.tar.gz"), manifests["pass.yaml"]]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/could not read the budget snapshot \S+nope\.tar\.gz: ENOENT/);
      expect(result.stdout).toBe("");
    });

    it("exits 2 on missing paths", async () => {
      const result = await runCli(["check", "--bundle", bundle]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("missing required argument 'paths'");
    });

    it("exits 2 on an empty folder", async () => {
      const empty = path.join(folder, "empty");
      await mkdir(empty);
      const result = await check([], [empty]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`no .yaml, .yml or .json files found in ${empty}`);
    });

    it("exits 0 for help", async () => {
      const result = await runCli(["check", "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("Exit codes:");
    });
  });

  describe("when reading stdin", () => {
    it("checks every document", async () => {
      const descriptor = JSON.stringify({ deploy: { type: "prompt", vertical: "salon" } });
      const result = await check(["--output", "json"], ["-"], { stdin: `${descriptor}\n---\n${descriptor.replace("salon", "healthcare")}\n` });
      const report = JSON.parse(result.stdout) as JsonReport;
      expect(report.results.map((entry) => `${entry.file}:${entry.line} ${entry.status}`)).toEqual(["stdin:1 warn", "stdin:3 fail"]);
      expect(result.code).toBe(1);
    });

    it("uses --stdin-filename", async () => {
      const result = await check(["--stdin-filename", "deploy/prod.yaml", "--output", "github"], ["-"], {
        stdin: JSON.stringify({ deploy: { type: "prompt", vertical: "healthcare" } }),
      });
      expect(result.stdout).toMatch(/^::error file=deploy\/prod\.yaml,line=1,/m);
    });

    it("reads stdin once", async () => {
      const result = await check([], ["-", manifests["pass.yaml"], "-"], { stdin: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n" });
      expect(result.stdout.match(/^SKIP  stdin:1 Service\/a/gm)).toHaveLength(2);
      expect(result.code).toBe(0);
    });
  });
});
