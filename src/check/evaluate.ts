import { describeError } from "../errors.ts";
import type { Finding } from "../policy/decision.ts";
import type { PolicyEngine } from "../policy/engine.ts";
import type { SourceDocument } from "./documents.ts";

/**
 * The verdict on a document: `pass` (allowed without findings), `warn` (allowed with warnings,
 * escalations or overridden violations), `fail` (denied), `skip` (not gated) or `error` (the
 * document could not be read, parsed or decided).
 */
export type CheckStatus = "pass" | "warn" | "fail" | "skip" | "error";

/** The verdict on one document (or one item of a Kubernetes List). */
export interface CheckResult {
  file: string;
  /** Position of the document in its file, from 0. */
  index: number;
  /** Start line of the document or List item, from 1; for an error, the line of the error; 0 when unknown. */
  line: number;
  /** Column of a parse error, from 1; null otherwise. */
  column: number | null;
  /** `Kind/name`, or `deploy` for a deploy descriptor. */
  subject: string;
  status: CheckStatus;
  deployType: string | null;
  vertical: string | null;
  violations: Finding[];
  warnings: Finding[];
  escalations: Finding[];
  /** Reason the document was skipped or could not be checked, or null. */
  reason: string | null;
}

interface Position {
  file: string;
  index: number;
  line: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function emptyResult(position: Position, subject: string): CheckResult {
  return {
    file: position.file,
    index: position.index,
    line: position.line,
    column: null,
    subject,
    status: "pass",
    deployType: null,
    vertical: null,
    violations: [],
    warnings: [],
    escalations: [],
    reason: null,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function statusOf(decision: { allow: boolean; violations: Finding[]; warnings: Finding[]; escalations: Finding[] }): CheckStatus {
  if (!decision.allow) {
    return "fail";
  }
  const findings = decision.violations.length + decision.warnings.length + decision.escalations.length;
  return findings > 0 ? "warn" : "pass";
}

function checkObject(engine: PolicyEngine, position: Position, content: unknown, itemLines?: readonly number[]): CheckResult[] {
  if (!isObject(content)) {
    return [{ ...emptyResult(position, "document"), status: "error", reason: "the document is not a mapping (object)" }];
  }
  if (content.kind === "List" && Array.isArray(content.items)) {
    return content.items.flatMap((item, itemIndex) => {
      const line = itemLines?.[itemIndex] || position.line;
      return checkObject(engine, { ...position, line }, item);
    });
  }
  try {
    if (typeof content.kind === "string" && typeof content.apiVersion === "string") {
      const decision = engine.decideKubernetes(content);
      const subject = `${decision.object.kind ?? content.kind}/${decision.object.name ?? "(unnamed)"}`;
      const result = emptyResult(position, subject);
      if (!decision.gated) {
        return [{ ...result, status: "skip", reason: "no budgetgate.dev/deploy-type label or annotation" }];
      }
      return [
        {
          ...result,
          status: statusOf(decision),
          deployType: stringOrNull(decision.deploy?.type),
          vertical: stringOrNull(decision.deploy?.vertical),
          violations: decision.violations,
          warnings: decision.warnings,
          escalations: decision.escalations,
        },
      ];
    }
    if (isObject(content.deploy)) {
      const decision = engine.decide(content);
      return [
        {
          ...emptyResult(position, "deploy"),
          status: statusOf(decision),
          deployType: stringOrNull(content.deploy.type),
          vertical: stringOrNull(content.deploy.vertical),
          violations: decision.violations,
          warnings: decision.warnings,
          escalations: decision.escalations,
        },
      ];
    }
  } catch (error) {
    return [{ ...emptyResult(position, "document"), status: "error", reason: describeError(error) }];
  }
  return [
    {
      ...emptyResult(position, "document"),
      status: "error",
      reason: 'neither a Kubernetes object (apiVersion and kind) nor a deploy descriptor ({"deploy": {...}})',
    },
  ];
}

/** Decides on every parsed document; parse errors become results with status `error`. */
export function evaluateDocuments(engine: PolicyEngine, documents: readonly SourceDocument[]): CheckResult[] {
  return documents.flatMap((document) => {
    if ("error" in document) {
      return [{ ...emptyResult(document, "document"), column: document.column, status: "error" as const, reason: document.error }];
    }
    return checkObject(engine, document, document.content, document.itemLines);
  });
}
