import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Database } from "../../src/db/database.ts";
import { migrate } from "../../src/db/migrate.ts";
import { openPglite } from "../../src/db/pglite.ts";
import { openPostgres, quoteIdentifier } from "../../src/db/postgres.ts";

/** The machine's Postgres; TEST_DATABASE_URL overrides it. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  db: Database;
  schema: string | null;
  /** Connection string whose connections use the test schema. */
  url: string | null;
  drop(): Promise<void>;
}

/** Creates a fresh schema in the real Postgres, migrates it and returns a database bound to it. */
export async function createTestPostgres(): Promise<TestDatabase> {
  const schema = `bg_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create schema ${quoteIdentifier(schema)}`);
  await admin.end();

  const db = await openPostgres({ connectionString: TEST_DATABASE_URL, schema });
  await migrate(db);
  const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema},public`)}`;
  return {
    db,
    schema,
    url,
    async drop() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await cleanup.connect();
      await cleanup.query(`drop schema ${quoteIdentifier(schema)} cascade`);
      await cleanup.end();
    },
  };
}

/** Opens a migrated in-memory PGlite database. */
export async function createTestPglite(): Promise<TestDatabase> {
  const db = await openPglite(undefined);
  await migrate(db);
  return { db, schema: null, url: null, drop: () => db.close() };
}
