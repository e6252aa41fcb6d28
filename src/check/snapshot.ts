import { parseSnapshotBytes, readPolicyDataFile } from "../bundle/read.ts";
import { loadConfig } from "../config/config.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/open.ts";
import { InputError, describeError } from "../errors.ts";
import type { PolicyData } from "../policy/data.ts";
import { loadPolicyData } from "../policy/load-data.ts";

/** Budget source of `budgetgate check`. */
export interface SnapshotSource {
  /** A bundle tarball or data.json: a local path or an http(s) URL. */
  bundle?: string;
  /** Postgres connection string; overrides DATABASE_URL. */
  databaseUrl?: string;
  /** Time limit of a bundle download, in milliseconds. */
  downloadTimeoutMs: number;
}

/** Tells whether a --bundle value is an http or https URL rather than a path. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** Removes user name, password, query and fragment from a URL for messages, because they may carry credentials. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    url.username = "";
    url.password = "";
    const hidden = url.search !== "" || url.hash !== "";
    url.search = "";
    url.hash = "";
    return hidden ? `${url.href}?…` : url.href;
  } catch {
    return value;
  }
}

/** Decodes a percent-encoded user name or password, keeping it as written when it is malformed. */
function decodeUserInfo(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Splits user info off a URL, which fetch rejects, into a Basic authorization header.
 * Throws InputError for a URL that does not parse.
 */
function requestOf(url: string): { target: URL; headers: Record<string, string> } {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    throw new InputError(`--bundle ${redactUrl(url)} is not a valid URL: ${describeError(error)}`, { cause: error });
  }
  if (target.username === "" && target.password === "") {
    return { target, headers: {} };
  }
  const credentials = `${decodeUserInfo(target.username)}:${decodeUserInfo(target.password)}`;
  target.username = "";
  target.password = "";
  return { target, headers: { authorization: `Basic ${Buffer.from(credentials).toString("base64")}` } };
}

/**
 * Downloads a bundle or data.json over HTTP(S) and parses it. The time limit covers the whole
 * body, and user info in the URL is sent as Basic authentication.
 */
export async function downloadSnapshot(url: string, timeoutMs: number): Promise<PolicyData> {
  const displayUrl = redactUrl(url);
  const { target, headers } = requestOf(url);
  let buffer: Buffer;
  try {
    const response = await fetch(target, { headers, signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new InputError(
        `could not download the budget snapshot ${displayUrl}: the server returned HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`,
      );
    }
    buffer = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof InputError) {
      throw error;
    }
    if (error instanceof DOMException && error.name === "TimeoutError") {
      throw new InputError(`could not download the budget snapshot ${displayUrl}: timed out after ${timeoutMs / 1000} s; raise --bundle-timeout or check the server`, {
        cause: error,
      });
    }
    throw new InputError(`could not download the budget snapshot ${displayUrl}: ${describeError(error)}`, { cause: error });
  }
  return parseSnapshotBytes(buffer, displayUrl);
}

/** Reads the newest budgets from Postgres (databaseUrl, else DATABASE_URL) or the embedded database. */
async function readSnapshotFromDatabase(databaseUrl: string | undefined): Promise<PolicyData> {
  const config = loadConfig(databaseUrl === undefined ? process.env : { ...process.env, DATABASE_URL: databaseUrl });
  const db = await openDatabase(config);
  try {
    await migrate(db);
    return await loadPolicyData(db, config);
  } finally {
    await db.close();
  }
}

/** Loads the budget snapshot that documents are checked against. */
export async function loadSnapshot(source: SnapshotSource): Promise<PolicyData> {
  const bundle = source.bundle;
  if (bundle === undefined) {
    return readSnapshotFromDatabase(source.databaseUrl);
  }
  if (isHttpUrl(bundle)) {
    return downloadSnapshot(bundle, source.downloadTimeoutMs);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(bundle)) {
    throw new InputError(`--bundle ${redactUrl(bundle)} uses an unsupported URL scheme; give a file path or an http(s) URL`);
  }
  return readPolicyDataFile(bundle);
}
