/**
 * Signed session cookies of the admin page. The cookie contains the id of the admin API key that
 * signed in and an expiry time, with an HMAC-SHA256 over both: `v1.<key id>.<expiry>.<mac>`.
 * Nothing secret is in it, and the key is checked again on every request, so revoking the key ends
 * its sessions at once.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../errors.ts";

export const SESSION_COOKIE = "budgetgate_session";
/** Lifetime of a session, in seconds: 8 hours. */
export const SESSION_TTL_SECONDS = 8 * 3600;
const MIN_SECRET_LENGTH = 32;

/** The HMAC secret and where it came from. */
export interface SessionSecret {
  key: Buffer;
  /** `environment` when read from BUDGETGATE_SESSION_SECRET, `random` for a per-process secret. */
  source: "environment" | "random";
}

/**
 * Reads BUDGETGATE_SESSION_SECRET (at least 32 characters). Without it the secret is random per
 * process, so sessions end when the process restarts and are not accepted by other replicas.
 */
export function sessionSecretFrom(env: NodeJS.ProcessEnv = process.env): SessionSecret {
  const configured = env.BUDGETGATE_SESSION_SECRET;
  if (configured === undefined || configured === "") {
    return { key: randomBytes(32), source: "random" };
  }
  if (configured.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `BUDGETGATE_SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters (got ${configured.length}); generate one with: openssl rand -base64 48`,
    );
  }
  return { key: Buffer.from(configured, "utf8"), source: "environment" };
}

function mac(secret: Buffer, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("base64url");
}

/** Builds the cookie value of a session for `keyId` that expires `SESSION_TTL_SECONDS` after `nowMs`. */
export function signSession(secret: Buffer, keyId: string, nowMs: number = Date.now()): string {
  const payload = `v1.${keyId}.${Math.floor(nowMs / 1000) + SESSION_TTL_SECONDS}`;
  return `${payload}.${mac(secret, payload)}`;
}

/** Returns the key id of a valid, unexpired session cookie value, or null. */
export function verifySession(secret: Buffer, value: string, nowMs: number = Date.now()): string | null {
  const match = /^(v1\.([0-9a-f]{12})\.(\d{1,12}))\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (match === null) {
    return null;
  }
  const [, payload, keyId, expiry, presented] = match;
  const expected = Buffer.from(mac(secret, payload!), "utf8");
  const presentedMac = Buffer.from(presented!, "utf8");
  if (presentedMac.length !== expected.length || !timingSafeEqual(presentedMac, expected)) {
    return null;
  }
  return Number(expiry) * 1000 > nowMs ? keyId! : null;
}

/** Reads one cookie from a Cookie header; returns undefined when it is absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) {
      return part.slice(index + 1).trim();
    }
  }
  return undefined;
}

/**
 * Builds the Set-Cookie header of a session. HttpOnly keeps it from scripts; SameSite=Strict keeps
 * browsers from sending it with requests that other sites start, which is what makes the admin
 * forms safe from cross-site request forgery; Secure is set when the request came over HTTPS.
 * `value` null clears the cookie.
 */
export function sessionCookieHeader(value: string | null, secure: boolean): string {
  const parts = [
    `${SESSION_COOKIE}=${value ?? ""}`,
    "Path=/admin",
    "HttpOnly",
    "SameSite=Strict",
    value === null ? "Max-Age=0" : `Max-Age=${SESSION_TTL_SECONDS}`,
  ];
  if (secure) {
    parts.push("Secure");
  }
  return parts.join("; ");
}
