/** Preferences of an OPA bundle request, from its `Prefer` header. */
export interface BundlePreference {
  /** Seconds the client is willing to wait for a new revision (long polling), or null. */
  waitSeconds: number | null;
  modes: string[];
}

/**
 * Parses `Prefer` as OPA sends it, e.g. `modes=snapshot,delta;wait=10`. Unknown preferences are
 * ignored; a wait that is not a non-negative integer counts as absent.
 */
export function parsePrefer(header: string | undefined): BundlePreference {
  const preference: BundlePreference = { waitSeconds: null, modes: [] };
  if (header === undefined) {
    return preference;
  }
  for (const part of header.split(/[;,](?=\s*[a-z-]+=)/i)) {
    const [rawKey, ...rest] = part.split("=");
    const key = rawKey?.trim().toLowerCase();
    const value = rest.join("=").trim();
    if (key === "wait" && /^\d+$/.test(value)) {
      preference.waitSeconds = Number(value);
    } else if (key === "modes") {
      preference.modes = value.split(",").map((mode) => mode.trim()).filter((mode) => mode !== "");
    }
  }
  return preference;
}

/** Parses `If-None-Match` into bare entity tags: quotes and weak prefixes removed. */
export function parseIfNoneMatch(header: string | undefined): string[] {
  if (header === undefined || header.trim() === "") {
    return [];
  }
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1"))
    .filter((tag) => tag !== "");
}
