import { describe, expect, it } from "vitest";
import { digestKey, formatScope, generateKey, keyIdOf, keyMatches, parseScope, scopeAllowsTenant } from "../../src/apikeys/keys.ts";

describe("API key text", () => {
  it("generates prefixed random keys", () => {
    const first = generateKey();
    const second = generateKey();
    expect(first.key).toMatch(/^bgk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(first.key.startsWith(`bgk_${first.id}_`)).toBe(true);
    expect(second.key).not.toBe(first.key);
    expect(second.id).not.toBe(first.id);
    expect(first.digest).toEqual(digestKey(first.key));
    expect(first.digest).toHaveLength(32);
  });

  it("reads id of well-formed key only", () => {
    const { id, key } = generateKey();
    expect(keyIdOf(key)).toBe(id);
    expect(keyIdOf(`${key}x`)).toBeNull();
    expect(keyIdOf(key.slice(0, -1))).toBeNull();
    expect(keyIdOf(key.replace("bgk_", "bgx_"))).toBeNull();
    expect(keyIdOf("")).toBeNull();
  });

  it("matches only the same key", () => {
    const { key, digest } = generateKey();
    expect(keyMatches(key, digest)).toBe(true);
    const changed = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    expect(keyMatches(changed, digest)).toBe(false);
    expect(keyMatches(key, Buffer.alloc(32))).toBe(false);
    expect(keyMatches(key, Buffer.alloc(16))).toBe(false);
  });
});

describe("API key scopes", () => {
  it.each([
    ["admin", { kind: "admin" }],
    ["tenant:hc-northside-clinic", { kind: "tenant", tenantId: "hc-northside-clinic" }],
    ["tenant:A.b_c-9", { kind: "tenant", tenantId: "A.b_c-9" }],
  ])("parses %s", (text, scope) => {
    expect(parseScope(text)).toEqual(scope);
    expect(formatScope(parseScope(text)!)).toBe(text);
  });

  it.each(["", "Admin", "tenant:", "tenant:-leading-dash", "tenant:has space", "tenant:a/b", `tenant:${"a".repeat(129)}`, "root"])(
    "rejects scope %j",
    (text) => {
      expect(parseScope(text)).toBeNull();
    },
  );

  it("limits tenant scope to its tenant", () => {
    expect(scopeAllowsTenant({ kind: "admin" }, "any")).toBe(true);
    expect(scopeAllowsTenant({ kind: "tenant", tenantId: "a" }, "a")).toBe(true);
    expect(scopeAllowsTenant({ kind: "tenant", tenantId: "a" }, "b")).toBe(false);
    expect(scopeAllowsTenant({ kind: "tenant", tenantId: "a" }, "A")).toBe(false);
  });
});
