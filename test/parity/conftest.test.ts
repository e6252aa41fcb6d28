import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleFiles } from "../../src/bundle/build.ts";
import type { Finding } from "../../src/policy/decision.ts";
import { runCli } from "../helpers/cli.ts";
import { POLICY_ROOT, runTool, toolPath } from "../helpers/opa.ts";
import { buildBudget, buildPolicyData } from "../helpers/policy-data.ts";
import { fixtureFiles, writeLabelledCopy, type LabelledManifest, type Labelling } from "./manifests.ts";

const DEPLOY_TYPES = ["platform", "prompt", "model", "finance", "database"];
// dental has no budgets, so it is an unknown vertical.
const VERTICALS = ["healthcare", "salon", "real_estate", "dental"];

/** One entry of `conftest test --output json`: the messages for one file. */
interface ConftestFileResult {
  filename: string;
  failures?: { msg: string }[];
  warnings?: { msg: string }[];
  exceptions?: { msg: string }[];
}

/**
 * The fields of one entry of `budgetgate check --output json` that this test reads: the verdict on
 * one document or List item. `status` is `fail` for a denied object and `skip` or `error` for one
 * that was not decided. Any other status (`pass`, and `warn` where check reports it) is an allowed
 * object.
 */
interface CheckResult {
  file: string;
  subject: string;
  status: string;
  violations: Finding[];
  warnings: Finding[];
  escalations: Finding[];
  reason: string | null;
}

function uniqueSorted(messages: Iterable<string>): string[] {
  return [...new Set(messages)].sort();
}

/**
 * Derives from check results the messages that policy/main gives: a deny message per violation of
 * a denied object, and a warn message per warning, escalation, and violation that a break-glass
 * reason let through. Each message is prefixed with `Kind/name: `.
 */
function expectedMessages(results: readonly CheckResult[]): { deny: string[]; warn: string[] } {
  const deny: string[] = [];
  const warn: string[] = [];
  for (const result of results) {
    if (result.status === "skip" || result.status === "error") {
      continue;
    }
    const prefixed = (finding: Finding) => `${result.subject}: ${finding.message}`;
    (result.status === "fail" ? deny : warn).push(...result.violations.map(prefixed));
    warn.push(...result.warnings.map(prefixed), ...result.escalations.map(prefixed));
  }
  return { deny: uniqueSorted(deny), warn: uniqueSorted(warn) };
}

describe("conftest against budgetgate check", () => {
  let folder: string;
  let dataFile: string;
  const manifests: LabelledManifest[] = [];
  let conftest: Map<string, ConftestFileResult>;
  let check: CheckResult[];

  beforeAll(async () => {
    toolPath("conftest");
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-conftest-"));

    // healthcare: quality 18 % (prompt and model denied) and cost 8 % (finance denied and
    // escalated). salon: latency 20 % (platform denied) and quality 40 % (prompt and model warned).
    // real_estate: every budget at 80 %.
    const data = buildPolicyData(Date.now() - 60_000, {
      healthcare: { quality: buildBudget(0.18), cost: buildBudget(0.08) },
      salon: { latency: buildBudget(0.2), quality: buildBudget(0.4) },
    });
    data.verticals.real_estate = structuredClone(buildPolicyData(0).verticals.healthcare!);
    const files = await bundleFiles(data);
    const dataFolder = path.join(folder, "data");
    await mkdir(dataFolder);
    dataFile = path.join(dataFolder, "data.json");
    await writeFile(dataFile, files.get("/data.json") ?? "");

    const manifestFolder = path.join(folder, "manifests");
    const fixtures = await fixtureFiles();
    let variant = 0;
    for (const [fixtureIndex, fixture] of fixtures.entries()) {
      for (const [typeIndex, deployType] of DEPLOY_TYPES.entries()) {
        variant += 1;
        const labelling: Labelling = {
          deployType,
          vertical: VERTICALS[(fixtureIndex + typeIndex) % VERTICALS.length]!,
          place: (fixtureIndex + typeIndex) % 2 === 0 ? "labels" : "template-annotations",
          ...(variant % 7 === 3 ? { breakGlass: "incident 42" } : {}),
        };
        const name = `${deployType}-${labelling.vertical}-${fixture}`;
        manifests.push({ fixture, labelling, file: await writeLabelledCopy(fixture, labelling, manifestFolder, name) });
        if (fixture === "deployment-guestbook-frontend.yaml") {
          // No fixture is a ReplicaSet, so the Deployment is copied once more as one.
          const replicaSetName = `${deployType}-${labelling.vertical}-replicaset-guestbook-frontend.yaml`;
          const file = await writeLabelledCopy(fixture, labelling, manifestFolder, replicaSetName, (object) => {
            object.kind = "ReplicaSet";
          });
          manifests.push({ fixture: "deployment-guestbook-frontend.yaml as ReplicaSet", labelling, file });
        }
      }
    }
    const paths = manifests.map((manifest) => manifest.file);

    const conftestRun = await runTool("conftest", ["test", "--policy", POLICY_ROOT, "--data", dataFolder, "--output", "json", "--no-color", ...paths]);
    if (conftestRun.code !== 0 && conftestRun.code !== 1) {
      throw new Error(`conftest test failed with code ${conftestRun.code}: ${conftestRun.stderr}${conftestRun.stdout}`);
    }
    const conftestResults = JSON.parse(conftestRun.stdout) as ConftestFileResult[];
    conftest = new Map(conftestResults.map((result) => [result.filename, result]));

    const checkRun = await runCli(["check", "--bundle", dataFile, "--output", "json", ...paths]);
    if (checkRun.code !== 0 && checkRun.code !== 1) {
      throw new Error(`budgetgate check failed with code ${checkRun.code}: ${checkRun.stderr}`);
    }
    check = (JSON.parse(checkRun.stdout) as { results: CheckResult[] }).results;
  });

  afterAll(async () => {
    if (folder !== undefined) {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("denies some files and allows others", () => {
    const denied = [...conftest.values()].filter((result) => (result.failures ?? []).length > 0);
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.length).toBeLessThan(manifests.length);
  });

  it("labels every deploy type and vertical", () => {
    expect(new Set(manifests.map((manifest) => manifest.labelling.deployType))).toEqual(new Set(DEPLOY_TYPES));
    expect(new Set(manifests.map((manifest) => manifest.labelling.vertical))).toEqual(new Set(VERTICALS));
  });

  it("reads every document", () => {
    const errors = check.filter((result) => result.status === "error");
    expect(errors.map((result) => `${result.file}: ${result.reason}`)).toEqual([]);
    const exceptions = [...conftest.values()].flatMap((result) => result.exceptions ?? []);
    expect(exceptions).toEqual([]);
  });

  it("gives the same verdict and messages per file", () => {
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) {
      const where = `${path.basename(manifest.file)} (${manifest.fixture}, ${JSON.stringify(manifest.labelling)})`;
      const fromConftest = conftest.get(manifest.file);
      expect(fromConftest, `conftest printed no result for ${where}`).toBeDefined();
      const results = check.filter((result) => result.file === manifest.file);
      expect(results.length, `budgetgate check printed no result for ${where}`).toBeGreaterThan(0);

      const expected = expectedMessages(results);
      const conftestDeny = uniqueSorted((fromConftest?.failures ?? []).map((failure) => failure.msg));
      const conftestWarn = uniqueSorted((fromConftest?.warnings ?? []).map((warning) => warning.msg));
      const checkDenied = results.some((result) => result.status === "fail");
      expect(conftestDeny.length > 0, `denied by conftest vs budgetgate check for ${where}`).toBe(checkDenied);
      expect(conftestDeny, `deny messages of ${where}`).toEqual(expected.deny);
      expect(conftestWarn, `warn messages of ${where}`).toEqual(expected.warn);
    }
  });
});
