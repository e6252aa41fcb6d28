import { readFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { regoSourceDigest } from "../../scripts/build-policy.ts";
import { DEFAULT_WASM_PATH } from "../../src/policy/engine.ts";
import { POLICY_SOURCE_DIR, readPolicyRecord } from "../../src/policy/artifact.ts";

describe("committed policy module", () => {
  it("was built from current Rego", async () => {
    const record = await readPolicyRecord();
    expect(regoSourceDigest(POLICY_SOURCE_DIR), "bundles/policy.wasm is stale: run npm run build:policy and commit bundles/").toBe(
      record.rego_sha256,
    );
  });

  it("matches recorded wasm digest", async () => {
    const record = await readPolicyRecord();
    const digest = createHash("sha256").update(await readFile(DEFAULT_WASM_PATH)).digest("hex");
    expect(digest).toBe(record.wasm_sha256);
  });
});
