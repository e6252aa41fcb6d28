import { createHash, randomUUID } from "node:crypto";
import canonicalize from "canonicalize";

/** Where a decision was requested. */
export type DecisionSource = "api" | "check" | "admission" | "gatekeeper";

/** A decision as data: emitted once, stored in decision_log, shown and tested the same way. */
export interface DecisionRecord {
  decisionId: string;
  decidedAt: Date;
  source: DecisionSource;
  revision: string | null;
  inputDigest: string;
  input: unknown;
  result: { allow: boolean } & Record<string, unknown>;
}

/** Creates the record of one decision, with a sha256 digest of the canonical JSON of its input. */
export function createDecisionRecord(
  source: DecisionSource,
  input: unknown,
  result: DecisionRecord["result"],
  revision: string | null,
  decidedAt: Date = new Date(),
): DecisionRecord {
  const inputDigest = createHash("sha256")
    .update(canonicalize(input ?? null) ?? "null")
    .digest("hex");
  return { decisionId: randomUUID(), decidedAt, source, revision, inputDigest, input, result };
}
