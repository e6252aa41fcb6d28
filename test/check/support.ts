import { writeFile } from "node:fs/promises";
import path from "node:path";
import { bundleFiles, writeBundle } from "../../src/bundle/build.ts";
import type { CheckResult } from "../../src/check/evaluate.ts";
import type { CheckReport } from "../../src/check/output/report.ts";
import type { Finding } from "../../src/policy/decision.ts";
import type { PolicyData } from "../../src/policy/data.ts";
import { buildBudget, buildPolicyData } from "../helpers/policy-data.ts";

/** The clock of every check in these tests. */
export const NOW = "2026-06-01T12:00:00Z";

/**
 * Builds budget data computed a minute before NOW. Healthcare quality is at 18 %, so prompt and
 * model deploys are denied, and healthcare cost at 5 %, so finance deploys are denied and
 * escalated. Salon quality is at 40 %, so prompt deploys get a warning. Every other budget is at 80 %.
 */
export function mixedPolicyData(): PolicyData {
  return buildPolicyData(Date.parse(NOW) - 60_000, {
    healthcare: { quality: buildBudget(0.18), cost: buildBudget(0.05) },
    salon: { quality: buildBudget(0.4) },
  });
}

/** Writes the bundle tarball and the data.json of `data` into `folder` and returns their paths. */
export async function writeSnapshots(folder: string, data: PolicyData = mixedPolicyData()): Promise<{ bundle: string; dataJson: string }> {
  const bundle = path.join(folder, "bundle.tar.gz");
  const dataJson = path.join(folder, "data.json");
  await writeBundle(await bundleFiles(data), bundle);
  await writeFile(dataJson, JSON.stringify({ budgetgate: data }));
  return { bundle, dataJson };
}

function deployment(name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): string {
  const labelLines = Object.entries(labels).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`);
  const annotationLines = Object.entries(annotations).map(([key, value]) => `    ${key}: ${JSON.stringify(value)}`);
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${name}`,
    ...(labelLines.length > 0 ? ["  labels:", ...labelLines] : []),
    ...(annotationLines.length > 0 ? ["  annotations:", ...annotationLines] : []),
    "",
  ].join("\n");
}

function gated(deployType: string, vertical: string): Record<string, string> {
  return { "budgetgate.dev/deploy-type": deployType, "budgetgate.dev/vertical": vertical };
}

/** Manifests whose verdicts under mixedPolicyData are known, by file name. */
export const MANIFESTS = {
  /** Line 1: allowed platform deploy. Line 9: a Service without labels, not gated. */
  "pass.yaml": `${deployment("web", gated("platform", "salon"))}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n`,
  /** Line 1: prompt deploy for salon, allowed with a budget warning. */
  "warn.yaml": deployment("assistant", gated("prompt", "salon")),
  /** Line 1: prompt deploy for healthcare, denied. */
  "fail.yaml": deployment("frontend", gated("prompt", "healthcare")),
  /** A document whose flow sequence is never closed. */
  "broken.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n  labels: {}\n",
  /**
   * Line 1: denied and escalated finance deploy. Line 9: a break-glass override whose reason contains
   * characters that every format must escape, among them a newline and a bell (U+0007). Line 19:
   * malformed. Line 23: a List whose items start at lines 26 (allowed) and 31 (warned).
   */
  "mixed.yaml": String.raw`apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
  labels:
    budgetgate.dev/deploy-type: finance
    budgetgate.dev/vertical: healthcare
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hotfix
  labels:
    budgetgate.dev/deploy-type: prompt
    budgetgate.dev/vertical: healthcare
  annotations:
    budgetgate.dev/break-glass: "incident 42: 100%, <b>&\"q\"\n\a"
---
kind: ConfigMap
metadata:
  name: [broken
---
apiVersion: v1
kind: List
items:
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
      labels: {budgetgate.dev/deploy-type: platform, budgetgate.dev/vertical: healthcare}
  - apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: chatbot
      labels: {budgetgate.dev/deploy-type: prompt, budgetgate.dev/vertical: salon}
`,
} as const;

export type ManifestName = keyof typeof MANIFESTS;

/** Writes every manifest of MANIFESTS into `folder`. */
export async function writeManifests(folder: string): Promise<Record<ManifestName, string>> {
  const paths = {} as Record<ManifestName, string>;
  for (const [name, text] of Object.entries(MANIFESTS) as [ManifestName, string][]) {
    paths[name] = path.join(folder, name);
    await writeFile(paths[name], text);
  }
  return paths;
}

/** Builds a finding as the policy does; override any field. */
export function buildFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    code: "budget_below_threshold",
    vertical: "healthcare",
    budget: "quality",
    remaining: 0.18,
    threshold: 0.25,
    message: "quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys",
    ...overrides,
  };
}

/** Builds a passing result for a Deployment at line 1 of deploy/app.yaml; override any field. */
export function buildResult(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    file: "deploy/app.yaml",
    index: 0,
    line: 1,
    column: null,
    subject: "Deployment/web",
    status: "pass",
    deployType: "prompt",
    vertical: "healthcare",
    violations: [],
    warnings: [],
    escalations: [],
    reason: null,
    ...overrides,
  };
}

/** Builds one result of each status, in report order. */
export function buildMixedResults(): CheckResult[] {
  return [
    buildResult({ subject: "Deployment/ok" }),
    buildResult({
      line: 7,
      index: 1,
      subject: "Deployment/risky",
      status: "warn",
      vertical: "salon",
      warnings: [buildFinding({ code: "budget_warning", vertical: "salon", remaining: 0.4, threshold: 0.5, message: "quality budget of salon has 40.0% remaining" })],
    }),
    buildResult({
      file: "deploy/billing.yaml",
      subject: "Deployment/billing",
      status: "fail",
      deployType: "finance",
      violations: [buildFinding({ budget: "cost", remaining: 0.05, message: "cost budget of healthcare has 5.0% remaining" })],
      escalations: [buildFinding({ code: "budget_escalation", budget: "cost", remaining: 0.05, threshold: 0.1, message: "cost budget of healthcare is below 10.0%" })],
    }),
    buildResult({ file: "deploy/billing.yaml", line: 12, index: 1, subject: "Service/billing", status: "skip", deployType: null, vertical: null, reason: "no budgetgate.dev/deploy-type label or annotation" }),
    buildResult({ file: "deploy/broken.yaml", line: 4, column: 9, subject: "document", status: "error", deployType: null, vertical: null, reason: "line 4, column 9: unexpected end" }),
  ];
}

/** Builds a report of `results` with exit code 1 and revision r1. */
export function buildReport(results: CheckResult[], overrides: Partial<CheckReport> = {}): CheckReport {
  return { results, revision: "r1", failOnWarn: false, exitCode: 1, toolVersion: "0.0.0-test", ...overrides };
}
