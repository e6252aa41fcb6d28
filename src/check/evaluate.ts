import { describeError } from "../errors.ts";
import type { Finding } from "../policy/decision.ts";
import type { PolicyEngine } from "../policy/engine.ts";
import type { SourceDocument } from "./documents.ts";

export type CheckStatus = "pass" | "fail" | "skip" | "error";

/** The verdict on one document (or one item of a Kubernetes List). */
export interface CheckResult {
  file: string;
  /** Position of the document in its file, from 0. */
  index: number;
  line: number;
  /** `Kind/name`, or `deploy` for a deploy descriptor. */
  subject: string;
  status: CheckStatus;
  deployType: string | null;
  vertical: string | null;
  violations: Finding[];
  warnings: Finding[];
  escalations: Finding[];
  /** Why a document was skipped or could not be checked. */
  reason: string | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function emptyResult(document: { file: string; index: number; line: number }, subject: string): CheckResult {
  return {
    file: document.file,
    index: document.index,
    line: document.line,
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

function checkObject(engine: PolicyEngine, document: { file: string; index: number; line: number }, content: unknown): CheckResult[] {
  if (!isObject(content)) {
    return [{ ...emptyResult(document, "document"), status: "error", reason: "the document is not a mapping (object)" }];
  }
  if (content.kind === "List" && Array.isArray(content.items)) {
    return content.items.flatMap((item) => checkObject(engine, document, item));
  }
  try {
    if (typeof content.kind === "string" && typeof content.apiVersion === "string") {
      const decision = engine.decideKubernetes(content);
      const subject = `${decision.object.kind ?? content.kind}/${decision.object.name ?? "(unnamed)"}`;
      const result = emptyResult(document, subject);
      if (!decision.gated) {
        return [{ ...result, status: "skip", reason: "no budgetgate.dev/deploy-type label or annotation" }];
      }
      return [
        {
          ...result,
          status: decision.allow ? "pass" : "fail",
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
          ...emptyResult(document, "deploy"),
          status: decision.allow ? "pass" : "fail",
          deployType: stringOrNull(content.deploy.type),
          vertical: stringOrNull(content.deploy.vertical),
          violations: decision.violations,
          warnings: decision.warnings,
          escalations: decision.escalations,
        },
      ];
    }
  } catch (error) {
    return [{ ...emptyResult(document, "document"), status: "error", reason: describeError(error) }];
  }
  return [
    {
      ...emptyResult(document, "document"),
      status: "error",
      reason: 'neither a Kubernetes object (apiVersion and kind) nor a deploy descriptor ({"deploy": {...}})',
    },
  ];
}

/** Decides on every parsed document; parse errors become results with status `error`. */
export function evaluateDocuments(engine: PolicyEngine, documents: readonly SourceDocument[]): CheckResult[] {
  return documents.flatMap((document) => {
    if ("error" in document) {
      return [{ ...emptyResult(document, "document"), status: "error" as const, reason: document.error }];
    }
    return checkObject(engine, document, document.content);
  });
}
