import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { mixedPolicyData, writeManifests, type ManifestName } from "./support.ts";

/** The pinned conftest that `npm run tools` builds. */
const CONFTEST = fileURLToPath(new URL("../../tools/bin/conftest", import.meta.url));
const POLICY = fileURLToPath(new URL("../../policy/", import.meta.url));

function runConftest(args: readonly string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(CONFTEST, ["test", "--policy", POLICY, ...args], { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", resolve);
  });
}

describe("check exit codes against conftest", () => {
  let folder: string;
  let dataFolder: string;
  let dataJson: string;
  let manifests: Record<ManifestName, string>;

  beforeAll(async () => {
    try {
      accessSync(CONFTEST, constants.X_OK);
    } catch {
      throw new Error(`${CONFTEST} is missing or not executable; run \`npm run tools\` to build it`);
    }
    folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-check-conftest-"));
    dataFolder = path.join(folder, "data");
    await mkdir(dataFolder);
    // conftest decides with the real clock, so the budgets were computed a minute ago.
    const data = { ...mixedPolicyData(), computed_at_ns: (Date.now() - 60_000) * 1e6 };
    dataJson = path.join(dataFolder, "data.json");
    await writeFile(dataJson, JSON.stringify({ budgetgate: data }));
    manifests = await writeManifests(folder);
  });

  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  const cases: { files: ManifestName[]; options: string[]; code: number }[] = [
    { files: ["pass.yaml"], options: [], code: 0 },
    { files: ["warn.yaml"], options: [], code: 0 },
    { files: ["fail.yaml"], options: [], code: 1 },
    { files: ["pass.yaml", "warn.yaml", "fail.yaml"], options: [], code: 1 },
    { files: ["pass.yaml"], options: ["--fail-on-warn"], code: 0 },
    { files: ["warn.yaml"], options: ["--fail-on-warn"], code: 1 },
    { files: ["fail.yaml"], options: ["--fail-on-warn"], code: 2 },
    { files: ["pass.yaml", "warn.yaml", "fail.yaml"], options: ["--fail-on-warn"], code: 2 },
  ];

  it.each(cases)("both exit $code for $files $options", async ({ files, options, code }) => {
    const paths = files.map((name) => manifests[name]);
    const conftest = await runConftest(["--data", dataFolder, ...options, ...paths]);
    const check = await runCli(["check", "--bundle", dataJson, ...options, ...paths]);
    expect(conftest).toBe(code);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(code);
  });
});
