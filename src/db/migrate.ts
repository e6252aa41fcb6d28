import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { DatabaseError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import type { Database, Session } from "./database.ts";

const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));
const FILE_PATTERN = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/** Reads the SQL migrations in version order. */
export async function readMigrations(folder: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(folder)).filter((file) => file.endsWith(".sql")).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match?.[1]) {
      throw new DatabaseError(`migration file name ${file} does not match NNNN_name.sql`);
    }
    const sql = await readFile(path.join(folder, file), "utf8");
    migrations.push({
      version: match[1],
      name: file,
      sql,
      checksum: createHash("sha256").update(sql).digest("hex"),
    });
  }
  return migrations;
}

async function appliedChecksums(session: Session): Promise<Map<string, { name: string; checksum: string }>> {
  await session.exec(`
    create table if not exists schema_migrations (
      version text primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
  const rows = await session.query<{ version: string; name: string; checksum: string }>(
    "select version, name, checksum from schema_migrations",
  );
  return new Map(rows.map((row) => [row.version, row]));
}

/**
 * Applies the pending migrations in order, each in its own transaction, under a session-level
 * advisory lock so that two processes migrating at once apply each migration exactly once.
 * Fails when an applied migration's file was changed afterwards.
 */
export async function migrate(database: Database, migrations?: Migration[]): Promise<MigrationReport> {
  const pending = migrations ?? (await readMigrations());
  const report: MigrationReport = { applied: [], alreadyApplied: [] };

  await database.withSession(async (session) => {
    // The lock key includes the schema, so separate schemas in one database migrate independently.
    await session.query("select pg_advisory_lock(hashtext(current_schema() || ':budgetgate.migrate'))");
    try {
      const applied = await appliedChecksums(session);
      for (const migration of pending) {
        const previous = applied.get(migration.version);
        if (previous !== undefined) {
          if (previous.checksum !== migration.checksum) {
            throw new DatabaseError(
              `migration ${migration.name} was changed after it was applied (recorded checksum ${previous.checksum.slice(0, 12)}, file ${migration.checksum.slice(0, 12)}); restore the file and add a new migration instead`,
            );
          }
          report.alreadyApplied.push(migration.name);
          continue;
        }
        await applyOne(session, migration);
        report.applied.push(migration.name);
      }
    } finally {
      await session.query("select pg_advisory_unlock(hashtext(current_schema() || ':budgetgate.migrate'))");
    }
  });

  if (report.applied.length > 0) {
    logger.info({ applied: report.applied }, "migrations applied");
  }
  return report;
}

async function applyOne(session: Session, migration: Migration): Promise<void> {
  await session.exec("begin");
  try {
    await session.exec(migration.sql);
    await session.query("insert into schema_migrations (version, name, checksum) values ($1, $2, $3)", [
      migration.version,
      migration.name,
      migration.checksum,
    ]);
    await session.exec("commit");
  } catch (error) {
    await session.exec("rollback").catch(() => undefined);
    throw new DatabaseError(`migration ${migration.name} failed: ${describeError(error)}`, { cause: error });
  }
}
