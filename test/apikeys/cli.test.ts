import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../src/apikeys/authenticate.ts";
import { runCli } from "../helpers/cli.ts";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";

describe("budgetgate api-key", () => {
  let test: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    test = await createTestPostgres();
    env = { DATABASE_URL: test.url! };
  });

  afterAll(async () => {
    await test.drop();
  });

  it("creates key and prints it once", async () => {
    const result = await runCli(["api-key", "create", "--scope", "tenant:hc-northside-clinic", "--label", "clinic dashboard"], { env });
    expect(result.code).toBe(0);
    const key = result.stdout.trim();
    expect(key).toMatch(/^bgk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toMatch(/created API key [0-9a-f]{12} with scope tenant:hc-northside-clinic; store it now/);
    expect(result.stderr).not.toContain(key);
    expect(await authenticate(test.db, key, undefined)).toMatchObject({ scope: { kind: "tenant", tenantId: "hc-northside-clinic" } });

    const list = await runCli(["api-key", "list"], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+SCOPE\s+STATE\s+CREATED\s+REVOKED\s+LABEL$/m);
    expect(list.stdout).toContain(`${key.slice(4, 16)}  tenant:hc-northside-clinic  active`);
    expect(list.stdout).toContain("clinic dashboard");
    expect(list.stdout).not.toContain(key.slice(17));
  });

  it("revokes key by id", async () => {
    const created = await runCli(["api-key", "create", "--scope", "admin"], { env });
    const key = created.stdout.trim();
    const id = key.slice(4, 16);
    const revoked = await runCli(["api-key", "revoke", id], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(new RegExp(`^revoked API key ${id} \\(scope admin\\) at \\d{4}-`));
    expect(await authenticate(test.db, key, undefined)).toBeNull();
    expect((await runCli(["api-key", "list"], { env })).stdout).toMatch(new RegExp(`^${id}\\s+admin\\s+revoked`, "m"));

    const again = await runCli(["api-key", "revoke", id], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`API key ${id} was already revoked at`);
  });

  it("rejects unknown id", async () => {
    const result = await runCli(["api-key", "revoke", "ffffffffffff"], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no API key has id "ffffffffffff"; run budgetgate api-key list');
  });

  it.each([
    { args: ["--scope", "tenant:"], message: "--scope must be admin or tenant:<id>" },
    { args: ["--scope", "superuser"], message: "--scope must be admin or tenant:<id>" },
    { args: ["--scope", "admin", "--label", "   "], message: "--label must not be empty" },
    { args: [], message: "required option '--scope <scope>' not specified" },
  ])("rejects create $args", async ({ args, message }) => {
    const result = await runCli(["api-key", "create", ...args], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stdout).not.toMatch(/bgk_/);
  });

  it("rejects malformed revoke id", async () => {
    const result = await runCli(["api-key", "revoke", "bgk_123"], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("<id> must be the 12 hex digits that api-key list shows");
  });
});
