import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBudgetDefinitions } from "../../src/budgets/definitions.ts";
import { syncBudgetsFile } from "../../src/budgets/sync.ts";
import { ConfigError } from "../../src/errors.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { createBudgetsFile, type TempBudgetsFile } from "../engine/support.ts";

describe("syncBudgetsFile", () => {
  let test: TestDatabase;
  let budgets: TempBudgetsFile;

  beforeAll(async () => {
    test = await createTestPostgres();
    budgets = await createBudgetsFile("");
  });

  afterAll(async () => {
    await test.drop();
    await budgets.remove();
  });

  it("changes nothing for shipped defaults twice", async () => {
    await syncBudgetsFile(test.db);
    const report = await syncBudgetsFile(test.db);
    expect(report.changed).toEqual([]);
    expect(report.disabled).toEqual([]);
    expect((await loadBudgetDefinitions(test.db)).map((definition) => definition.name)).toEqual(["availability", "cost", "latency", "quality", "stall"]);
  });

  it("disables budgets missing from file", async () => {
    await budgets.write(`budgets:
  - {name: quality, sli: quality, target: 0.97, gates: [prompt, model]}
  - name: stall
    sli: stall
    target: 0.99
    threshold_ms: 3000
    gates: [platform]
    overrides: [{vertical: healthcare, tenant: t1, threshold_ms: 5000}]
`);
    const report = await syncBudgetsFile(test.db, budgets.file);
    expect(report.changed.sort()).toEqual(["quality", "stall"]);
    expect(report.disabled).toEqual(["availability", "cost", "latency"]);

    const definitions = await loadBudgetDefinitions(test.db);
    expect(definitions.map((definition) => definition.name)).toEqual(["quality", "stall"]);
    expect(definitions[0]?.target).toBe(0.97);
    expect(definitions[1]?.overrides).toEqual([{ vertical: "healthcare", tenant: "t1", target: null, thresholdMs: 5000, allowedOverrun: null }]);

    const [kept] = await test.db.query<{ count: number }>("select count(*)::int as count from budget_definitions where not enabled");
    expect(kept?.count).toBe(3);
  });

  it("enables returning budget again", async () => {
    const report = await syncBudgetsFile(test.db);
    expect(report.changed.sort()).toEqual(["availability", "cost", "latency", "quality", "stall"]);
    expect((await loadBudgetDefinitions(test.db)).length).toBe(5);
  });

  it("rejects invalid file without changes", async () => {
    await budgets.write("budgets:\n  - {name: quality, sli: quality, target: 1, gates: [prompt]}\n");
    await expect(syncBudgetsFile(test.db, budgets.file)).rejects.toThrow(ConfigError);
    await expect(syncBudgetsFile(test.db, budgets.file)).rejects.toThrow("budgets[0].target: must be > 0 and < 1 (got 1)");
    expect((await loadBudgetDefinitions(test.db)).find((definition) => definition.name === "quality")?.target).toBe(0.95);
  });

  it("names missing file and variable", async () => {
    await expect(syncBudgetsFile(test.db, "/nonexistent/budgets.yaml")).rejects.toThrow(
      /could not read the budgets file \/nonexistent\/budgets\.yaml: .*set BUDGETGATE_BUDGETS_FILE/,
    );
  });
});
