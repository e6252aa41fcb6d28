import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { GATOR_TEMPLATE_PATH, REGO_PATH, renderGatorTemplate, renderTemplate, TEMPLATE_PATH } from "../../deploy/gatekeeper/render-template.ts";
import { PROVIDER_PATH } from "../../src/gatekeeper/router.ts";
import { runPinnedTool } from "./support/tools.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const GATEKEEPER_DIR = path.join(ROOT, "deploy/gatekeeper");
const REGO_DIR = path.join(GATEKEEPER_DIR, "src");
const RENDER_COMMAND = "npx tsx deploy/gatekeeper/render-template.ts";

async function readYaml(file: string): Promise<any> {
  return parse(await readFile(path.join(GATEKEEPER_DIR, file), "utf8"));
}

describe("ConstraintTemplate source", () => {
  it("embeds the Rego file exactly", async () => {
    const template = await readYaml("template.yaml");
    const rego = await readFile(REGO_PATH, "utf8");
    const [target] = template.spec.targets;
    const [code] = target.code;
    expect(target.target).toBe("admission.k8s.gatekeeper.sh");
    expect(code.engine).toBe("Rego");
    expect(code.source.version).toBe("v1");
    expect(code.source.rego, `template.yaml is stale; run ${RENDER_COMMAND}`).toBe(rego);
  });

  it("matches the rendered files", async () => {
    const rego = await readFile(REGO_PATH, "utf8");
    expect(await readFile(TEMPLATE_PATH, "utf8"), `run ${RENDER_COMMAND}`).toBe(renderTemplate(rego));
    expect(await readFile(GATOR_TEMPLATE_PATH, "utf8"), `run ${RENDER_COMMAND}`).toBe(renderGatorTemplate(rego));
  });

  it("agrees with constraint and provider", async () => {
    const template = await readYaml("template.yaml");
    const constraint = await readYaml("constraint.yaml");
    const provider = await readYaml("provider.yaml");
    const rego = await readFile(REGO_PATH, "utf8");
    expect(constraint.kind).toBe(template.spec.crd.spec.names.kind);
    expect(template.metadata.name).toBe(template.spec.crd.spec.names.kind.toLowerCase());
    expect(provider.apiVersion).toBe("externaldata.gatekeeper.sh/v1beta1");
    expect(rego).toContain(`_provider := "${provider.metadata.name}"`);
    const url = new URL(provider.spec.url);
    expect(url.protocol).toBe("https:");
    expect(url.pathname).toBe(PROVIDER_PATH);
    expect(url.port).toBe("8444");
    expect(provider.spec.timeout).toBeLessThanOrEqual(3);
  });
});

describe("template Rego with opa", () => {
  let workDir: string;
  let capabilities: string;

  // OPA does not know Gatekeeper's external_data built-in, so the checks run with OPA's own
  // capabilities plus a declaration of it. The Rego tests replace it with `with external_data as ...`.
  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), "budgetgate-gatekeeper-"));
    const current = await runPinnedTool("opa", ["capabilities", "--current"]);
    expect(current.code, current.stderr).toBe(0);
    const document = JSON.parse(current.stdout);
    document.builtins.push({ name: "external_data", decl: { type: "function", args: [{ type: "any" }], result: { type: "any" } } });
    capabilities = path.join(workDir, "capabilities.json");
    await writeFile(capabilities, JSON.stringify(document));
  });

  afterAll(async () => {
    await rm(workDir, { recursive: true, force: true });
  });

  it("is formatted", async () => {
    const result = await runPinnedTool("opa", ["fmt", "--list", "--fail", REGO_DIR]);
    expect(result.stdout, `run tools/bin/opa fmt -w ${REGO_DIR}`).toBe("");
    expect(result.code).toBe(0);
  });

  it("passes strict check", async () => {
    const result = await runPinnedTool("opa", ["check", "--strict", "--capabilities", capabilities, REGO_DIR]);
    expect(result.stderr + result.stdout).toBe("");
    expect(result.code).toBe(0);
  });

  it("passes opa test with coverage", async () => {
    const result = await runPinnedTool("opa", ["test", "--capabilities", capabilities, "--coverage", "--format", "json", REGO_DIR]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.coverage).toBeGreaterThanOrEqual(90);

    const tests = await runPinnedTool("opa", ["test", "--capabilities", capabilities, "--format", "json", REGO_DIR]);
    const results: Array<{ name: string; fail?: boolean; error?: unknown }> = JSON.parse(tests.stdout);
    expect(results.length).toBeGreaterThanOrEqual(20);
    expect(results.filter((test) => test.fail === true || test.error !== undefined).map((test) => test.name)).toEqual([]);
  });
});

describe("template with gator", () => {
  it("passes gator verify suite", async () => {
    const result = await runPinnedTool("gator", ["verify", path.join(GATEKEEPER_DIR, "suite.yaml")]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("PASS");
  });

  it("passes unlabelled manifests", async () => {
    const result = await runPinnedTool("gator", [
      "test",
      "--filename",
      GATOR_TEMPLATE_PATH,
      "--filename",
      path.join(GATEKEEPER_DIR, "constraint.yaml"),
      "--filename",
      path.join(ROOT, "test/fixtures/k8s"),
      "--filename",
      path.join(ROOT, "deploy/webhook"),
    ]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it("asks provider for labelled manifest", async () => {
    const result = await runPinnedTool("gator", [
      "test",
      "--filename",
      GATOR_TEMPLATE_PATH,
      "--filename",
      path.join(GATEKEEPER_DIR, "constraint.yaml"),
      "--filename",
      path.join(GATEKEEPER_DIR, "tests/labelled-deployment.yaml"),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain("budgetgate provider failed: gator has no external data provider");
  });

  it("keeps gator stand-in out of template", async () => {
    const documents = parseAllDocuments(await readFile(TEMPLATE_PATH, "utf8"));
    expect(documents).toHaveLength(1);
    expect(await readFile(TEMPLATE_PATH, "utf8")).not.toContain("external_data(_)");
  });
});
