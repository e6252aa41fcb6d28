import path from "node:path";
import type { Config } from "../config/config.ts";
import { logger } from "../log.ts";
import type { Database } from "./database.ts";
import { openPglite } from "./pglite.ts";
import { openPostgres } from "./postgres.ts";

/** Opens Postgres when DATABASE_URL is set, otherwise the embedded PGlite database in the data folder. */
export async function openDatabase(config: Pick<Config, "databaseUrl" | "dataDir">): Promise<Database> {
  if (config.databaseUrl !== undefined) {
    const database = await openPostgres({ connectionString: config.databaseUrl });
    logger.debug({ kind: database.kind }, "database opened");
    return database;
  }
  const folder = path.join(config.dataDir, "pgdata");
  const database = await openPglite(folder);
  logger.debug({ kind: database.kind, folder }, "database opened");
  return database;
}
