import { createHash } from "node:crypto";

/** Files OPA hashes as parsed JSON rather than as bytes: data.json and the manifest. */
export function isStructuredFile(name: string): boolean {
  const base = name.split("/").pop() ?? name;
  return base === "data.json" || base === ".manifest";
}

// Go's encoding/json escapes U+2028 and U+2029 in strings; JSON.stringify leaves them raw.
function encodeString(value: string): string {
  return JSON.stringify(value).replaceAll("\u2028", "\\u2028").replaceAll("\u2029", "\\u2029");
}

/**
 * Feeds a parsed JSON value to the hash the way OPA's bundle verifier walks it: object keys in
 * sorted order, `{`, `:`, `,` and `[` as separators, primitives in their JSON encoding.
 */
function walk(value: unknown, update: (text: string) => void): void {
  if (Array.isArray(value)) {
    update("[");
    value.forEach((item, index) => {
      if (index > 0) {
        update(",");
      }
      walk(item, update);
    });
    update("]");
    return;
  }
  if (value !== null && typeof value === "object") {
    update("{");
    const keys = Object.keys(value).sort();
    keys.forEach((key, index) => {
      if (index > 0) {
        update(",");
      }
      update(encodeString(key));
      update(":");
      walk((value as Record<string, unknown>)[key], update);
    });
    update("}");
    return;
  }
  update(typeof value === "string" ? encodeString(value) : JSON.stringify(value));
}

/**
 * Computes the hex SHA-256 of one bundle file as OPA verifies it. JSON files are parsed and hashed
 * with sorted keys, so whitespace does not matter. Every other file is hashed byte for byte.
 * NOTE: numbers are hashed in their JavaScript text form (1e21 as "1e+21"). That matches files that
 * budgetgate writes, but not a JSON file written elsewhere with another number spelling.
 */
export function bundleFileHash(name: string, content: string): string {
  const hash = createHash("sha256");
  if (isStructuredFile(name)) {
    walk(JSON.parse(content), (text) => hash.update(text, "utf8"));
  } else {
    hash.update(content, "utf8");
  }
  return hash.digest("hex");
}
