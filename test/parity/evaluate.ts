import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describeError } from "../../src/errors.ts";
import type { PolicyData } from "../../src/policy/data.ts";
import type { PolicyEngine } from "../../src/policy/engine.ts";
import { POLICY_BUDGETGATE_DIR, opaEvalValue } from "../helpers/opa.ts";
import { dataDocument, type ParityCase } from "./cases.ts";

/** Result of one case: the decision as JSON, or a string saying why there is none. */
export type Outcome = unknown;

const ENTRYPOINT_REFS = {
  decision: "data.budgetgate.decision",
  kubernetes: "data.budgetgate.kubernetes.decision",
} as const;

/** The top-level keys of data.budgetgate that the policy reads (see budget_data in budgetgate.rego). */
const DATA_KEYS = ["revision", "computed_at_ns", "config", "verticals"] as const;

/**
 * Builds a Rego module with one rule per case. Each rule evaluates the case's entrypoint with
 * `with` replacing input and each key of data.budgetgate that the case's document has. A key the
 * document lacks gets no `with`, and the base data has no budgetgate key, so it stays absent as it
 * would in a data.json without it.
 */
function batchModule(cases: readonly ParityCase[], documents: ReadonlyMap<string, Record<string, unknown>>): string {
  const rules = cases.map((parityCase) => {
    const source = `data.parity_cases.${parityCase.id}`;
    const document = documents.get(parityCase.id) ?? {};
    const replacements = [`with input as ${source}.input`];
    for (const key of DATA_KEYS) {
      if (key in document) {
        replacements.push(`with data.budgetgate.${key} as ${source}.data.${key}`);
      }
    }
    return `results["${parityCase.id}"] := result if {\n\tresult := ${ENTRYPOINT_REFS[parityCase.entrypoint]} ${replacements.join(" ")}\n}\n`;
  });
  return `package parity\n\n${rules.join("\n")}`;
}

/**
 * Evaluates every case with one `opa eval` process over policy/budgetgate. computed_at_ns is set
 * relative to the clock just before opa starts, since OPA's time.now_ns is the real clock.
 * Returns the decision per case id; a case whose rule is undefined maps to a string saying so.
 */
export async function evaluateWithOpa(cases: readonly ParityCase[]): Promise<Map<string, Outcome>> {
  const folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-parity-"));
  try {
    const nowMs = Date.now();
    const documents = new Map(cases.map((parityCase) => [parityCase.id, dataDocument(parityCase, nowMs)]));
    const entries = Object.fromEntries(cases.map((parityCase) => [parityCase.id, { input: parityCase.input, data: documents.get(parityCase.id) }]));
    const casesFile = path.join(folder, "cases.json");
    const moduleFile = path.join(folder, "parity.rego");
    await writeFile(casesFile, JSON.stringify({ parity_cases: entries }));
    await writeFile(moduleFile, batchModule(cases, documents));

    const value = await opaEvalValue("data.parity.results", [POLICY_BUDGETGATE_DIR, moduleFile, casesFile]);
    const results = (value ?? {}) as Record<string, unknown>;
    return new Map(cases.map((parityCase) => [parityCase.id, parityCase.id in results ? results[parityCase.id] : "opa: the entrypoint is undefined"]));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Evaluates every case with the Wasm engine on the real clock, setting computed_at_ns relative to
 * the clock just before each evaluation. The engine skips data whose revision it already has, so a
 * placeholder document with another revision is loaded first to force the case's data in.
 */
export function evaluateWithWasm(engine: PolicyEngine, cases: readonly ParityCase[]): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  for (const parityCase of cases) {
    engine.setData({ revision: `placeholder-${parityCase.id}` } as PolicyData);
    engine.setData(dataDocument(parityCase, Date.now()) as unknown as PolicyData);
    try {
      const decision = parityCase.entrypoint === "decision" ? engine.decide(parityCase.input) : engine.decideKubernetes(parityCase.input);
      outcomes.set(parityCase.id, JSON.parse(JSON.stringify(decision)));
    } catch (error) {
      outcomes.set(parityCase.id, `wasm: ${describeError(error)}`);
    }
  }
  return outcomes;
}
