import { afterEach, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "../../src/db/migrate.ts";
import { openPglite } from "../../src/db/pglite.ts";
import { openPostgres } from "../../src/db/postgres.ts";
import { createTestPglite, createTestPostgres, type TestDatabase } from "../helpers/database.ts";

describe("migrate", () => {
  let test: TestDatabase | undefined;

  afterEach(async () => {
    await test?.drop();
    test = undefined;
  });

  it("applies nothing the second time", async () => {
    test = await createTestPostgres();
    const report = await migrate(test.db);
    expect(report.applied).toEqual([]);
    expect(report.alreadyApplied).toEqual((await readMigrations()).map((migration) => migration.name));
  });

  it("applies each migration once from two processes", async () => {
    test = await createTestPostgres();
    await test.db.query(`drop schema ${test.schema} cascade`);
    await test.db.query(`create schema ${test.schema}`);
    const second = await openPostgres({ connectionString: test.url!, maxConnections: 2 });
    try {
      const [left, right] = await Promise.all([migrate(test.db), migrate(second)]);
      const all = (await readMigrations()).map((migration) => migration.name);
      expect([...left.applied, ...right.applied].sort()).toEqual(all);
      const rows = await test.db.query<{ count: number }>("select count(*)::int as count from schema_migrations");
      expect(rows[0]?.count).toBe(all.length);
    } finally {
      await second.close();
    }
  });

  it("rejects a changed migration file", async () => {
    test = await createTestPglite();
    const migrations = await readMigrations();
    const changed = migrations.map((migration, index) =>
      index === 0 ? { ...migration, sql: `${migration.sql}\n-- edited`, checksum: "0".repeat(64) } : migration,
    );
    await expect(migrate(test.db, changed)).rejects.toThrow(/0001_calls\.sql was changed after it was applied/);
  });

  it("rolls back a failing migration", async () => {
    test = await createTestPglite();
    const broken = { version: "9999", name: "9999_broken.sql", sql: "create table half (a int); select no_such_function();", checksum: "f".repeat(64) };
    await expect(migrate(test.db, [...(await readMigrations()), broken])).rejects.toThrow(/migration 9999_broken\.sql failed/);
    const tables = await test.db.query("select 1 from pg_tables where tablename = 'half'");
    expect(tables).toHaveLength(0);
  });

  it("leaves a calls view in place", async () => {
    const db = await openPglite(undefined);
    test = { db, schema: null, url: null, drop: () => db.close() };
    await db.query(
      "create view calls as select 1::bigint as id, 'x'::text as vertical, null::text as tenant_id, now() as created_at, true as connected, true as ok, 1 as first_response_ms, 1 as max_silence_ms, 0::numeric as cost_usd",
    );
    await migrate(db);
    const [kind] = await test.db.query<{ relkind: string }>("select relkind::text from pg_class where relname = 'calls'");
    expect(kind?.relkind).toBe("v");
  });
});
