/**
 * API key text and scopes. Pure: no database.
 *
 * A key is `bgk_<id>_<secret>`: `id` is 12 hex digits that name the stored row, `secret` is 32
 * random bytes in base64url. Only the SHA-256 digest of the whole key is stored. A fast digest is
 * enough because the secret has 256 bits of entropy, so guessing a key from its digest is
 * infeasible. A slow password hash (scrypt, bcrypt) protects low-entropy passwords from offline
 * guessing, which a random key does not need, and would cost tens of milliseconds of CPU on every
 * authenticated request.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const KEY_PREFIX = "bgk_";
const KEY_PATTERN = /^bgk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const SECRET_BYTES = 32;
const ID_BYTES = 6;

/** Tenant ids as they appear in calls.tenant_id: a letter or digit, then letters, digits, `.`, `_` and `-`; at most 128 characters. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const tenantIdSchema = z
  .string()
  .regex(TENANT_ID_PATTERN, "tenant id must be 1 to 128 characters: letters, digits, '.', '_' and '-', starting with a letter or digit");

/** Access of a key: every budget, or the budgets of one tenant. */
export type KeyScope = { kind: "admin" } | { kind: "tenant"; tenantId: string };

/** Parses `admin` or `tenant:<id>`; returns null for anything else. */
export function parseScope(text: string): KeyScope | null {
  if (text === "admin") {
    return { kind: "admin" };
  }
  if (text.startsWith("tenant:")) {
    const tenantId = text.slice("tenant:".length);
    return TENANT_ID_PATTERN.test(tenantId) ? { kind: "tenant", tenantId } : null;
  }
  return null;
}

export function formatScope(scope: KeyScope): string {
  return scope.kind === "admin" ? "admin" : `tenant:${scope.tenantId}`;
}

/** Returns whether a scope may read the budgets of `tenantId`. */
export function scopeAllowsTenant(scope: KeyScope, tenantId: string): boolean {
  return scope.kind === "admin" || scope.tenantId === tenantId;
}

/** A newly generated key: the text to hand out once, its id and the digest to store. */
export interface GeneratedKey {
  id: string;
  key: string;
  digest: Buffer;
}

export function generateKey(): GeneratedKey {
  const id = randomBytes(ID_BYTES).toString("hex");
  const key = `${KEY_PREFIX}${id}_${randomBytes(SECRET_BYTES).toString("base64url")}`;
  return { id, key, digest: digestKey(key) };
}

/** SHA-256 of the key text. */
export function digestKey(key: string): Buffer {
  return createHash("sha256").update(key, "utf8").digest();
}

/** Returns the id of a well-formed key, or null when the text is not a budgetgate API key. */
export function keyIdOf(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** Compares the digest of a presented key with a stored digest in constant time. */
export function keyMatches(presented: string, storedDigest: Buffer): boolean {
  const digest = digestKey(presented);
  return storedDigest.length === digest.length && timingSafeEqual(digest, storedDigest);
}
