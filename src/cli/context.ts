import { InvalidArgumentError } from "commander";
import { loadConfig, type Config } from "../config/config.ts";
import type { Database } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/open.ts";

/** Loads the configuration, opens the database and applies pending migrations. */
export async function openMigratedDatabase(): Promise<{ config: Config; db: Database }> {
  const config = loadConfig();
  const db = await openDatabase(config);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { config, db };
}

/** Parses a number option and rejects values outside [min, max] with the option's name. */
export function parseNumberOption(name: string, min: number, max: number, integer = false) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      throw new InvalidArgumentError(
        `${name} must be ${integer ? "an integer" : "a number"} between ${min} and ${max} (got ${JSON.stringify(raw)})`,
      );
    }
    return value;
  };
}

/** Parses an ISO 8601 timestamp option. */
export function parseTimeOption(name: string) {
  return (raw: string): Date => {
    const value = new Date(raw);
    if (Number.isNaN(value.getTime())) {
      throw new InvalidArgumentError(`${name} must be an ISO 8601 time such as 2026-12-04T12:00:00Z (got ${JSON.stringify(raw)})`);
    }
    return value;
  };
}
