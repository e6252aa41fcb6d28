/**
 * Keys of the Gatekeeper external data provider:
 *
 *   <deploy-type>/<vertical>[/<service>][?break-glass=<reason>]
 *
 * Each part is encoded like a URL query value (Rego's urlquery.encode), so a part may contain "/",
 * "?" or spaces. Label values never need encoding, so typical keys read as plain text, for example
 * `prompt/healthcare/voice-agent`.
 */
export interface ProviderKey {
  type: string;
  vertical: string;
  service: string | null;
  breakGlass: string | null;
}

export type ParsedKey = { ok: true; key: ProviderKey } | { ok: false; error: string };

/** Maximum key length, in characters. Label values are at most 63 characters, so real keys are far shorter. */
export const MAX_KEY_LENGTH = 1024;

const KEY_FORMAT = "<deploy-type>/<vertical>[/<service>][?break-glass=<reason>]";

const BREAK_GLASS_PARAMETER = "break-glass";

/** Parses one provider key. The error of an invalid key names the wrong part and the expected format. */
export function parseProviderKey(raw: string): ParsedKey {
  if (raw.length > MAX_KEY_LENGTH) {
    return { ok: false, error: `key is ${raw.length} characters long, longer than the maximum of ${MAX_KEY_LENGTH}` };
  }
  const queryStart = raw.indexOf("?");
  const path = queryStart < 0 ? raw : raw.slice(0, queryStart);
  const query = queryStart < 0 ? null : raw.slice(queryStart + 1);

  const encodedParts = path.split("/");
  if (encodedParts.length < 2 || encodedParts.length > 3) {
    return { ok: false, error: `key has ${encodedParts.length} part(s) separated by "/"; expected ${KEY_FORMAT}` };
  }
  const parts: string[] = [];
  for (const part of encodedParts) {
    const decoded = decodeQueryValue(part);
    if (decoded === null) {
      return { ok: false, error: `key part "${part}" is not valid percent-encoding; expected ${KEY_FORMAT}` };
    }
    parts.push(decoded);
  }
  const [type = "", vertical = "", service] = parts;
  if (type.trim() === "") {
    return { ok: false, error: `key has no deploy type; expected ${KEY_FORMAT}` };
  }
  if (vertical.trim() === "") {
    return { ok: false, error: `key has no vertical; set the budgetgate.dev/vertical label. Expected ${KEY_FORMAT}` };
  }
  if (service !== undefined && service.trim() === "") {
    return { ok: false, error: `key has an empty service part; omit it or name the service. Expected ${KEY_FORMAT}` };
  }

  const breakGlass = parseBreakGlass(query);
  if (typeof breakGlass === "object" && breakGlass !== null) {
    return { ok: false, error: breakGlass.error };
  }
  return { ok: true, key: { type, vertical, service: service ?? null, breakGlass } };
}

function parseBreakGlass(query: string | null): string | null | { error: string } {
  if (query === null) {
    return null;
  }
  const parameters = new URLSearchParams(query);
  const names = [...new Set(parameters.keys())];
  const unknown = names.filter((name) => name !== BREAK_GLASS_PARAMETER);
  if (unknown.length > 0) {
    return { error: `key has unknown parameter "${unknown[0]}"; the only parameter is ${BREAK_GLASS_PARAMETER}` };
  }
  const values = parameters.getAll(BREAK_GLASS_PARAMETER);
  if (values.length > 1) {
    return { error: `key sets ${BREAK_GLASS_PARAMETER} ${values.length} times; set it once` };
  }
  // An empty reason is passed on: the policy then reports empty_break_glass_reason.
  return values[0] ?? null;
}

// Decodes like URLSearchParams does for values: "+" is a space, then percent-decoding.
function decodeQueryValue(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, "%20"));
  } catch {
    return null;
  }
}
