import { createHash, timingSafeEqual } from "node:crypto";
import type { Queryable } from "../db/database.ts";
import { keyIdOf, keyMatches, type KeyScope } from "./keys.ts";
import { findApiKey } from "./repository.ts";

/** The sender of a request: the scope of its credential and the id of the API key, if it was one. */
export interface Principal {
  scope: KeyScope;
  /** Id of the API key; null when the credential was BUDGETGATE_ADMIN_TOKEN. */
  keyId: string | null;
}

/** Returns the credential of `Authorization: Bearer <credential>`, or null without such a header. */
export function bearerCredential(header: string | undefined): string | null {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

function sameToken(presented: string, expected: string): boolean {
  // Comparing fixed-length digests keeps the time independent of the lengths and of where the strings differ.
  const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Checks a presented credential: an unrevoked API key, or BUDGETGATE_ADMIN_TOKEN when one is
 * configured, which counts as an admin key. Returns null for anything else.
 */
export async function authenticate(db: Queryable, presented: string, adminToken: string | undefined): Promise<Principal | null> {
  if (adminToken !== undefined && sameToken(presented, adminToken)) {
    return { scope: { kind: "admin" }, keyId: null };
  }
  const id = keyIdOf(presented);
  if (id === null) {
    return null;
  }
  const stored = await findApiKey(db, id);
  if (stored === null || stored.revokedAt !== null || !keyMatches(presented, stored.digest)) {
    return null;
  }
  return { scope: stored.scope, keyId: stored.id };
}

/** Returns the principal of an API key id when that key exists and is not revoked, e.g. for a session. */
export async function principalOfKeyId(db: Queryable, id: string): Promise<Principal | null> {
  const stored = await findApiKey(db, id);
  if (stored === null || stored.revokedAt !== null) {
    return null;
  }
  return { scope: stored.scope, keyId: stored.id };
}
