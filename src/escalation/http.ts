/** One HTTP POST of a JSON message to a webhook receiver, classified for the retry rules. */
import { describeError } from "../errors.ts";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

export type SendOutcome =
  /** The receiver accepted the message (2xx). */
  | { kind: "accepted"; statusCode: number }
  /** A network error, a timeout, a 5xx or a 429: worth another attempt. */
  | { kind: "retryable"; statusCode: number | null; error: string; retryAfterMs: number | null }
  /** Any other status: the receiver rejected the message, and sending it again would not help. */
  | { kind: "rejected"; statusCode: number; error: string };

/** Maximum length, in characters, of the response body excerpt kept in an error message. */
const BODY_EXCERPT_CHARS = 200;

/** Replaces every occurrence of a secret in `text` with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== "") {
      result = result.replaceAll(secret, "[redacted]");
    }
  }
  return result;
}

/** Reads a Retry-After header given in seconds; the HTTP-date form is ignored. */
function parseRetryAfter(header: string | null): number | null {
  if (header === null || !/^\s*\d+\s*$/.test(header)) {
    return null;
  }
  return Number(header) * 1000;
}

async function bodyExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, " ").trim();
    return text.length <= BODY_EXCERPT_CHARS ? text : `${text.slice(0, BODY_EXCERPT_CHARS)}…`;
  } catch {
    return "";
  }
}

/**
 * Posts `body` as JSON. Redirects are not followed: a 3xx counts as a rejection, because a
 * webhook that moved needs a new URL in the configuration. `secrets` are removed from every
 * error text, which may quote the response.
 */
export async function postJson(
  fetchFunction: FetchFunction,
  url: string,
  body: unknown,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<SendOutcome> {
  let response: Response;
  try {
    response = await fetchFunction(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: "retryable", statusCode: null, error: redactSecrets(describeError(error), secrets), retryAfterMs: null };
  }

  const excerpt = redactSecrets(await bodyExcerpt(response), secrets);
  const status = response.status;
  if (status >= 200 && status < 300) {
    return { kind: "accepted", statusCode: status };
  }
  const error = `HTTP ${status}${excerpt === "" ? "" : `: ${excerpt}`}`;
  if (status === 429 || status >= 500) {
    return { kind: "retryable", statusCode: status, error, retryAfterMs: parseRetryAfter(response.headers.get("retry-after")) };
  }
  return { kind: "rejected", statusCode: status, error };
}

/** Delay after the `attempt`-th failed attempt (1-based): base × 2^(attempt − 1), at most `maxMs`. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number): number {
  // The exponent stops at 30 so that a long failure streak cannot overflow to Infinity (and 0 × Infinity to NaN).
  return Math.min(maxMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt - 1)));
}

/** Host of a URL, the only part of a webhook URL that may be logged. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "invalid-url";
  }
}
