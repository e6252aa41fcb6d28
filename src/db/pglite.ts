import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { DatabaseError, describeError } from "../errors.ts";
import type { Database, Session } from "./database.ts";

function transactionSession(tx: Transaction): Session {
  return {
    async query(sql, params = []) {
      const result = await tx.query(sql, params as unknown[]);
      return result.rows as never[];
    },
    async exec(sql) {
      await tx.exec(sql);
    },
  };
}

/**
 * Opens the embedded PGlite database stored in `dataDir`, or an in-memory one when `dataDir` is
 * undefined. PGlite serves one connection, so every session is the database itself.
 */
export async function openPglite(dataDir: string | undefined): Promise<Database> {
  let db: PGlite;
  try {
    if (dataDir !== undefined) {
      await mkdir(dataDir, { recursive: true });
    }
    db = await PGlite.create(dataDir);
  } catch (error) {
    throw new DatabaseError(
      `could not open the embedded database in ${dataDir ?? "memory"}: ${describeError(error)}; the embedded database serves one process at a time, so stop a running budgetgate serve or demo first, or set DATABASE_URL to use Postgres`,
      {
        cause: error,
      },
    );
  }

  const session: Session = {
    async query(sql, params = []) {
      const result = await db.query(sql, params as unknown[]);
      return result.rows as never[];
    },
    async exec(sql) {
      await db.exec(sql);
    },
  };

  return {
    kind: "pglite",
    query: session.query,
    async withSession(work) {
      return work(session);
    },
    async transaction(work) {
      return db.transaction((tx) => work(transactionSession(tx)));
    },
    async close() {
      await db.close();
    },
  };
}
