import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, stringify } from "yaml";
import { bundleFiles, writeBundle } from "../../src/bundle/build.ts";
import { runCli } from "../helpers/cli.ts";
import { buildBudget, buildPolicyData } from "../helpers/policy-data.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/k8s/", import.meta.url));
const NOW = "2026-06-01T12:00:00Z";
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet", "Rollout", "Service"]);

interface Labelling {
  file: string;
  deployType: string;
  vertical: string;
  /** Where the labels go: the object's labels, or the pod template's annotations. */
  place?: "labels" | "template-annotations";
  /** Only objects of this kind get labels (default: every workload kind). */
  kind?: string;
  expected: "pass" | "fail";
}

// Budget data: healthcare quality at 18 % (prompt and model deploys denied), salon latency at 20 %
// (platform deploys denied); everything else at 80 %.
const CASES: Labelling[] = [
  { file: "deployment-guestbook-frontend.yaml", deployType: "prompt", vertical: "healthcare", expected: "fail" },
  { file: "statefulset-cassandra-with-storageclass.yaml", deployType: "platform", vertical: "healthcare", expected: "pass" },
  { file: "daemonset-newrelic-agent.yaml", deployType: "platform", vertical: "salon", expected: "fail" },
  { file: "cronjob-gatekeeper-expansion.yaml", deployType: "finance", vertical: "healthcare", place: "template-annotations", expected: "pass" },
  { file: "job-argo-load-test.yaml", deployType: "model", vertical: "salon", expected: "pass" },
  { file: "pod-bare-explorer.yaml", deployType: "platform", vertical: "healthcare", expected: "pass" },
  { file: "pod-mongo.json", deployType: "prompt", vertical: "salon", expected: "pass" },
  { file: "argo-rollout-canary.yaml", deployType: "model", vertical: "healthcare", expected: "fail" },
  { file: "knative-service-helloworld-go.yaml", deployType: "database", vertical: "healthcare", kind: "Service", expected: "fail" },
  { file: "helm-rendered-sloth.yaml", deployType: "platform", vertical: "healthcare", kind: "Deployment", expected: "pass" },
  { file: "list-kind-List-service-deployment.yaml", deployType: "finance", vertical: "salon", kind: "Deployment", expected: "pass" },
  { file: "multidoc-microservices-demo-release.yaml", deployType: "platform", vertical: "healthcare", kind: "Deployment", expected: "pass" },
];

function label(object: any, labelling: Labelling): void {
  if (object === null || typeof object !== "object") {
    return;
  }
  if (object.kind === "List" && Array.isArray(object.items)) {
    object.items.forEach((item: unknown) => label(item, labelling));
    return;
  }
  const wanted = labelling.kind === undefined ? WORKLOAD_KINDS.has(object.kind) && object.kind !== "Service" : object.kind === labelling.kind;
  if (!wanted) {
    return;
  }
  const values = { "budgetgate.dev/deploy-type": labelling.deployType, "budgetgate.dev/vertical": labelling.vertical };
  if (labelling.place === "template-annotations") {
    const template = object.spec.jobTemplate?.spec.template ?? object.spec.template;
    template.metadata ??= {};
    template.metadata.annotations = { ...template.metadata.annotations, ...values };
  } else {
    object.metadata.labels = { ...object.metadata.labels, ...values };
  }
}

async function writeLabelledCopy(folder: string, labelling: Labelling): Promise<string> {
  const text = await readFile(path.join(FIXTURES, labelling.file), "utf8");
  const target = path.join(folder, labelling.file);
  if (labelling.file.endsWith(".json")) {
    const object = JSON.parse(text);
    label(object, labelling);
    await writeFile(target, JSON.stringify(object, null, 2));
    return target;
  }
  const documents = parseAllDocuments(text).map((document) => document.toJS());
  documents.forEach((object) => label(object, labelling));
  await writeFile(target, documents.filter((object) => object !== null).map((object) => stringify(object)).join("---\n"));
  return target;
}

describe("budgetgate check on real manifests", () => {
  let folder: string;
  let bundle: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-check-"));
    const data = buildPolicyData(Date.parse(NOW) - 60_000, {
      healthcare: { quality: buildBudget(0.18) },
      salon: { latency: buildBudget(0.2) },
    });
    bundle = path.join(folder, "bundle.tar.gz");
    await writeBundle(await bundleFiles(data), bundle);
    await Promise.all(CASES.map((labelling) => writeLabelledCopy(path.join(folder), labelling)));
  });

  it.each(CASES)("gives $expected for $file", async (labelling) => {
    const result = await runCli(["check", "--bundle", bundle, "--now", NOW, path.join(folder, labelling.file)]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(labelling.expected === "pass" ? 0 : 1);
    const lines = result.stdout.trim().split("\n");
    const verdicts = lines.filter((line) => /^(PASS|FAIL) /.test(line));
    expect(verdicts.length).toBeGreaterThan(0);
    if (labelling.expected === "fail") {
      expect(verdicts.some((line) => line.startsWith("FAIL "))).toBe(true);
    } else {
      expect(verdicts.every((line) => line.startsWith("PASS "))).toBe(true);
    }
  });

  it("names budget and threshold in failures", async () => {
    const result = await runCli(["check", "--bundle", bundle, "--now", NOW, path.join(folder, "deployment-guestbook-frontend.yaml")]);
    expect(result.stdout).toContain(
      "FAIL  " + path.join(folder, "deployment-guestbook-frontend.yaml") + ":1 Deployment/frontend (prompt deploy, healthcare): quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys",
    );
  });

  it("reports malformed YAML and checks the rest", async () => {
    const broken = path.join(folder, "broken.yaml");
    await writeFile(broken, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n  labels: {}\n");
    const passing = path.join(folder, "pod-bare-explorer.yaml");
    const result = await runCli(["check", "--bundle", bundle, "--now", NOW, broken, passing]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^ERROR ${broken.replaceAll(".", "\\.")}:\\d+ document: line \\d+, column \\d+: `, "m"));
    expect(result.stdout).toMatch(/^PASS  .*pod-bare-explorer\.yaml:1 Pod\/explorer/m);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it("exits 0 when every document passes", async () => {
    const passing = CASES.filter((labelling) => labelling.expected === "pass").map((labelling) => path.join(folder, labelling.file));
    const result = await runCli(["check", "--bundle", bundle, "--now", NOW, ...passing]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/0 denied, \d+ not gated, 0 errors/);
  });

  it("reads a descriptor from stdin", async () => {
    const result = await runCli(["check", "--bundle", bundle, "--now", NOW, "-"], {
      stdin: JSON.stringify({ deploy: { type: "prompt", vertical: "healthcare", service: "voice-agent" } }),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL  stdin:1 deploy (prompt deploy, healthcare): quality budget of healthcare has 18.0% remaining");
  });

  it("denies everything on stale snapshot", async () => {
    const result = await runCli(["check", "--bundle", bundle, "--now", "2026-06-02T12:00:00Z", path.join(folder, "pod-bare-explorer.yaml")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL .*budget data is 1441\.0 minutes old, older than the 15\.0-minute limit/);
  });

  it("rejects invalid --now", async () => {
    const result = await runCli(["check", "--bundle", bundle, "--now", "yesterday", "x.yaml"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--now must be an ISO 8601 time/);
  });

  it("rejects a file that is not a snapshot", async () => {
    const notSnapshot = path.join(folder, "not-a-snapshot.json");
    await writeFile(notSnapshot, JSON.stringify({ hello: "world" }));
    const result = await runCli(["check", "--bundle", notSnapshot, path.join(folder, "pod-bare-explorer.yaml")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a budgetgate budget snapshot: budgetgate: /);
  });
});
