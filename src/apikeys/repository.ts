/** The api_keys table: create, list, revoke and look up keys. */
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import { DatabaseError, describeError, InputError } from "../errors.ts";
import { formatScope, generateKey, parseScope, type KeyScope } from "./keys.ts";

/** A stored key, without its digest. */
export interface ApiKeyRecord {
  id: string;
  scope: KeyScope;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A stored key with the digest that authentication compares against. */
export interface StoredApiKey extends ApiKeyRecord {
  digest: Buffer;
}

/** A label as the CLI accepts it: trimmed, 1 to 200 characters. */
export const labelSchema = z
  .string()
  .trim()
  .min(1, "--label must not be empty")
  .max(200, "--label must be at most 200 characters");

const rowSchema = z.object({
  id: z.string(),
  scope: z.string(),
  label: z.string().nullable(),
  created_at: z.date(),
  revoked_at: z.date().nullable(),
});

function recordOf(raw: unknown): ApiKeyRecord {
  const row = rowSchema.parse(raw);
  const scope = parseScope(row.scope);
  if (scope === null) {
    throw new DatabaseError(`api_keys row ${row.id} has an invalid scope ${JSON.stringify(row.scope)}`);
  }
  return { id: row.id, scope, label: row.label, createdAt: row.created_at, revokedAt: row.revoked_at };
}

async function run<Row extends object>(db: Queryable, operation: string, sql: string, params: readonly unknown[]): Promise<Row[]> {
  try {
    return await db.query<Row>(sql, params);
  } catch (error) {
    throw new DatabaseError(`could not ${operation}: ${describeError(error)}`, { cause: error });
  }
}

/** Creates a key and returns its record and the key text, which is not stored and cannot be shown again. */
export async function createApiKey(db: Queryable, scope: KeyScope, label: string | null = null): Promise<{ record: ApiKeyRecord; key: string }> {
  const generated = generateKey();
  const [row] = await run(
    db,
    "create the API key",
    `insert into api_keys (id, key_sha256, scope, label) values ($1, $2, $3, $4)
     returning id, scope, label, created_at, revoked_at`,
    [generated.id, generated.digest, formatScope(scope), label],
  );
  return { record: recordOf(row), key: generated.key };
}

/** Lists every key, revoked ones included, oldest first. */
export async function listApiKeys(db: Queryable): Promise<ApiKeyRecord[]> {
  const rows = await run(db, "list API keys", "select id, scope, label, created_at, revoked_at from api_keys order by created_at, id", []);
  return rows.map(recordOf);
}

/** Reads a key with its digest, or null when no key has this id. */
export async function findApiKey(db: Queryable, id: string): Promise<StoredApiKey | null> {
  const [row] = await run<{ key_sha256: Buffer }>(
    db,
    "look up the API key",
    "select id, key_sha256, scope, label, created_at, revoked_at from api_keys where id = $1",
    [id],
  );
  if (row === undefined) {
    return null;
  }
  return { ...recordOf(row), digest: Buffer.from(row.key_sha256) };
}

/**
 * Revokes a key now. Throws InputError when no key has this id or it was already revoked, so a
 * mistyped id is reported instead of passing silently.
 */
export async function revokeApiKey(db: Queryable, id: string): Promise<ApiKeyRecord> {
  const [row] = await run(
    db,
    "revoke the API key",
    "update api_keys set revoked_at = now() where id = $1 and revoked_at is null returning id, scope, label, created_at, revoked_at",
    [id],
  );
  if (row !== undefined) {
    return recordOf(row);
  }
  const existing = await findApiKey(db, id);
  if (existing === null) {
    throw new InputError(`no API key has id ${JSON.stringify(id)}; run budgetgate api-key list to see the ids`);
  }
  throw new InputError(`API key ${id} was already revoked at ${existing.revokedAt?.toISOString()}`);
}
