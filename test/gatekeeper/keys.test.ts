import { describe, expect, it } from "vitest";
import { MAX_KEY_LENGTH, parseProviderKey } from "../../src/gatekeeper/keys.ts";

describe("parseProviderKey", () => {
  it.each([
    { key: "platform/healthcare", parsed: { type: "platform", vertical: "healthcare", service: null, breakGlass: null } },
    { key: "prompt/healthcare/voice-agent", parsed: { type: "prompt", vertical: "healthcare", service: "voice-agent", breakGlass: null } },
    { key: "prompt/real+estate%2Feast", parsed: { type: "prompt", vertical: "real estate/east", service: null, breakGlass: null } },
    {
      key: "prompt/healthcare/voice-agent?break-glass=incident+42%3A+rollback",
      parsed: { type: "prompt", vertical: "healthcare", service: "voice-agent", breakGlass: "incident 42: rollback" },
    },
    { key: "prompt/healthcare?break-glass=", parsed: { type: "prompt", vertical: "healthcare", service: null, breakGlass: "" } },
  ])("parses $key", ({ key, parsed }) => {
    expect(parseProviderKey(key)).toEqual({ ok: true, key: parsed });
  });

  it.each([
    { key: "prompt", error: 'key has 1 part(s) separated by "/"' },
    { key: "a/b/c/d", error: 'key has 4 part(s) separated by "/"' },
    { key: "/healthcare", error: "key has no deploy type" },
    { key: "prompt/", error: "key has no vertical" },
    { key: "prompt/healthcare/", error: "key has an empty service part" },
    { key: "prompt/%E0%A4%A", error: "is not valid percent-encoding" },
    { key: "prompt/healthcare?owner=me", error: 'unknown parameter "owner"' },
    { key: "prompt/healthcare?break-glass=a&break-glass=b", error: "sets break-glass 2 times" },
    { key: `prompt/${"x".repeat(MAX_KEY_LENGTH)}`, error: `longer than the maximum of ${MAX_KEY_LENGTH}` },
  ])("rejects $key", ({ key, error }) => {
    const result = parseProviderKey(key);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error).toContain(error);
  });
});
