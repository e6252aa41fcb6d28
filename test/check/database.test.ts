import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBudgetComputation } from "../../src/budgets/run.ts";
import type { JsonReport } from "../../src/check/output/json.ts";
import { insertCalls } from "../../src/db/calls.ts";
import { buildCall, hoursFrom } from "../helpers/calls.ts";
import { runCli } from "../helpers/cli.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";

/** Deploy descriptors on stdin: a prompt change for each vertical. */
const DESCRIPTORS = [
  JSON.stringify({ deploy: { type: "prompt", vertical: "healthcare", service: "voice-agent" } }),
  JSON.stringify({ deploy: { type: "prompt", vertical: "salon", service: "voice-agent" } }),
].join("\n---\n");

/** A Postgres URL on which nothing listens: port 1 on loopback. */
const UNREACHABLE_URL = "postgresql://postgres@127.0.0.1:1/none";

function statuses(stdout: string): string[] {
  const report = JSON.parse(stdout) as JsonReport;
  return report.results.map((entry) => `${entry.vertical} ${entry.status}`);
}

describe("check with a database", () => {
  let database: TestDatabase;
  let url: string;

  beforeAll(async () => {
    database = await createTestPostgres();
    url = database.url!;
    // Budgets are computed over the 7 days before the database clock, so the calls lie in the
    // last 100 hours. Healthcare fails 20 of 100 conversations (quality far below its 95 % target);
    // salon's 100 calls all succeed.
    const now = new Date();
    const calls = Array.from({ length: 100 }, (_, index) => [
      buildCall({ vertical: "healthcare", createdAt: hoursFrom(now, -1 - index), ok: index % 5 !== 0 }),
      buildCall({ vertical: "salon", createdAt: hoursFrom(now, -1 - index) }),
    ]).flat();
    await insertCalls(database.db, calls);
    await runBudgetComputation(database.db);
  });

  afterAll(async () => {
    await database.drop();
  });

  describe("when --database-url is given", () => {
    it("checks against its budgets", async () => {
      const result = await runCli(["check", "--database-url", url, "--output", "json", "-"], { stdin: DESCRIPTORS });
      expect(result.stderr).toBe("");
      expect(statuses(result.stdout)).toEqual(["healthcare fail", "salon pass"]);
      expect(result.code).toBe(1);
    });

    it("names the budget in the denial", async () => {
      const result = await runCli(["check", "--database-url", url, "-"], { stdin: DESCRIPTORS });
      expect(result.stdout).toMatch(/^FAIL  stdin:1 deploy \(prompt deploy, healthcare\): quality budget of healthcare has -\d+\.\d% remaining/m);
      expect(result.stdout).toMatch(/^PASS  stdin:3 deploy \(prompt deploy, salon\)$/m);
    });

    it("overrides DATABASE_URL", async () => {
      const result = await runCli(["check", "--database-url", url, "--output", "json", "-"], {
        stdin: DESCRIPTORS,
        env: { DATABASE_URL: UNREACHABLE_URL },
      });
      expect(statuses(result.stdout)).toEqual(["healthcare fail", "salon pass"]);
    });

    it("exits 2 when unreachable", async () => {
      const result = await runCli(["check", "--database-url", UNREACHABLE_URL, "-"], { stdin: DESCRIPTORS });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("could not connect to Postgres");
      expect(result.stdout).toBe("");
    });
  });

  describe("when DATABASE_URL is set", () => {
    it("checks against its budgets", async () => {
      const result = await runCli(["check", "--output", "json", "-"], { stdin: DESCRIPTORS, env: { DATABASE_URL: url } });
      expect(statuses(result.stdout)).toEqual(["healthcare fail", "salon pass"]);
      expect(result.code).toBe(1);
    });
  });

  describe("when no budgets were computed", () => {
    let empty: TestDatabase;

    beforeAll(async () => {
      empty = await createTestPostgres();
    });

    afterAll(async () => {
      await empty.drop();
    });

    it("exits 2 with a hint", async () => {
      const result = await runCli(["check", "--database-url", empty.url!, "-"], { stdin: DESCRIPTORS });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("no budgets have been computed yet; run budgetgate compute");
    });
  });
});
