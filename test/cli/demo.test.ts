import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../helpers/cli.ts";

describe("budgetgate demo on the embedded database", () => {
  let dataDir: string;
  let first: CliResult;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "budgetgate-demo-"));
    first = await runCli(["demo", "--scale", "0.05", "--no-serve"], { env: { BUDGETGATE_DATA_DIR: dataDir, DATABASE_URL: "" } });
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("loads calls and prints budgets", () => {
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/loaded \d+ calls/);
    expect(first.stdout).toMatch(/^healthcare\s+quality\s+95\.0%\s+\d+\.\d%/m);
    expect(first.stdout).toMatch(/^real_estate\s+availability\s+99\.9%\s+-\d+\.\d%/m);
  });

  it("writes a bundle that check reads", async () => {
    const bundle = path.join(dataDir, "bundle.tar.gz");
    expect((await stat(bundle)).size).toBeGreaterThan(0);
    const result = await runCli(["check", "--bundle", bundle, "-"], {
      stdin: JSON.stringify({ deploy: { type: "platform", vertical: "real_estate" } }),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL  stdin:1 deploy \(platform deploy, real_estate\): availability budget of real_estate has -\d+\.\d% remaining/);
  });

  it("keeps loaded calls on second run", async () => {
    const second = await runCli(["demo", "--no-serve"], { env: { BUDGETGATE_DATA_DIR: dataDir, DATABASE_URL: "" } });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/calls already holds \d+ rows; keeping them/);
  });

  it("rejects out-of-range scale", async () => {
    const result = await runCli(["demo", "--scale", "50"], { env: { BUDGETGATE_DATA_DIR: dataDir } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("--scale must be a number between 0.001 and 20");
  });
});
