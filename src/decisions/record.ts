import { createHash, randomUUID } from "node:crypto";
import canonicalize from "canonicalize";

/** Source of a decision request. */
export type DecisionSource = "api" | "check" | "admission" | "gatekeeper";

/** A decision as data: emitted once, stored in decision_log, shown and tested the same way. */
export interface DecisionRecord {
  decisionId: string;
  decidedAt: Date;
  source: DecisionSource;
  revision: string | null;
  input: unknown;
  result: { allow: boolean } & Record<string, unknown>;
}

/** Creates the record of one decision. */
export function createDecisionRecord(
  source: DecisionSource,
  input: unknown,
  result: DecisionRecord["result"],
  revision: string | null,
  decidedAt: Date = new Date(),
): DecisionRecord {
  return { decisionId: randomUUID(), decidedAt, source, revision, input, result };
}

/**
 * Digests a decision input: sha256 of its canonical JSON, so equal inputs give equal digests
 * whatever their key order. The log writer computes it when it writes a batch, off the request path.
 */
export function digestInput(input: unknown): string {
  return createHash("sha256")
    .update(canonicalize(input ?? null) ?? "null")
    .digest("hex");
}
