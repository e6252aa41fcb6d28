import pg from "pg";
import { DatabaseError, describeError } from "../errors.ts";
import { logger } from "../log.ts";
import type { Database, Session } from "./database.ts";

// Counts and ids are bigint columns; they stay far below 2^53, so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PostgresOptions {
  connectionString: string;
  /** Schema placed first on the search path of every connection (tests use one schema each). */
  schema?: string;
  maxConnections?: number;
}

function sessionOf(client: pg.PoolClient): Session {
  return {
    async query(sql, params = []) {
      const result = await client.query(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql) {
      await client.query(sql);
    },
  };
}

/** Opens a `pg` pool and checks that the server responds. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.maxConnections ?? 10,
    ...(options.schema ? { options: `-c search_path=${quoteIdentifier(options.schema)},public` } : {}),
  });
  pool.on("error", (error) => logger.error({ err: error }, "idle Postgres connection failed"));

  try {
    await pool.query("select 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseError(`could not connect to Postgres: ${describeError(error)}`, { cause: error });
  }

  const database: Database = {
    kind: "postgres",
    async query(sql, params = []) {
      const result = await pool.query(sql, params as unknown[]);
      return result.rows;
    },
    async withSession(work) {
      const client = await pool.connect();
      try {
        return await work(sessionOf(client));
      } finally {
        client.release();
      }
    },
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("begin");
        const result = await work(sessionOf(client));
        await client.query("commit");
        return result;
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return database;
}

/** Quotes a SQL identifier such as a schema name. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
