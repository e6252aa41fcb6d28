import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { PolicyError, describeError } from "../errors.ts";

export const POLICY_RECORD_PATH = fileURLToPath(new URL("../../bundles/policy.json", import.meta.url));
export const POLICY_SOURCE_DIR = fileURLToPath(new URL("../../policy/budgetgate/", import.meta.url));

const recordSchema = z.object({
  opa_version: z.string(),
  rego_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  wasm_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  entrypoints: z.array(z.string()),
});

/** The record written next to the compiled policy: OPA version and digests of its sources. */
export type PolicyRecord = z.infer<typeof recordSchema>;

/** Reads bundles/policy.json. */
export async function readPolicyRecord(file: string = POLICY_RECORD_PATH): Promise<PolicyRecord> {
  try {
    return recordSchema.parse(JSON.parse(await readFile(file, "utf8")));
  } catch (error) {
    throw new PolicyError(`could not read the policy build record ${file}: ${describeError(error)}; run npm run build:policy`, {
      cause: error,
    });
  }
}
