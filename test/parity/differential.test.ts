import { isDeepStrictEqual } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { PolicyEngine } from "../../src/policy/engine.ts";
import { toolPath } from "../helpers/opa.ts";
import { KUBERNETES_KINDS, budgetDocument, generateCases, type ParityCase } from "./cases.ts";
import { evaluateWithOpa, evaluateWithWasm, type Outcome } from "./evaluate.ts";

// Changing the seed or the count changes every random case; failures name the case id, so keep
// both fixed and add cases by raising CASE_COUNT.
const SEED = 20_260_601;
const CASE_COUNT = 360;

const FINDING_CODES = [
  "budget_below_threshold",
  "budget_escalation",
  "budget_warning",
  "missing_deploy_type",
  "unknown_deploy_type",
  "missing_vertical",
  "unknown_vertical",
  "missing_budget",
  "no_data",
  "stale_budgets",
  "empty_break_glass_reason",
  "break_glass",
];

const cases = generateCases(SEED, CASE_COUNT);

interface ResultShape {
  allow?: boolean;
  gated?: boolean;
  violations?: { code: string }[];
  warnings?: { code: string }[];
  escalations?: { code: string }[];
}

function findingCodes(outcome: Outcome): string[] {
  if (typeof outcome !== "object" || outcome === null) {
    return [];
  }
  const result = outcome as ResultShape;
  return [...(result.violations ?? []), ...(result.warnings ?? []), ...(result.escalations ?? [])].map((finding) => finding.code);
}

describe("Wasm engine against opa eval", () => {
  let opa: Map<string, Outcome>;
  let wasm: Map<string, Outcome>;

  beforeAll(async () => {
    toolPath("opa");
    const engine = await PolicyEngine.load();
    opa = await evaluateWithOpa(cases);
    wasm = evaluateWithWasm(engine, cases);
  });

  it("generates enough cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((parityCase) => parityCase.id)).size).toBe(cases.length);
  });

  it("is deterministic for a seed", () => {
    expect(generateCases(SEED, CASE_COUNT)).toEqual(cases);
  });

  it("covers every finding code", () => {
    const seen = new Set([...opa.values()].flatMap(findingCodes));
    for (const code of FINDING_CODES) {
      expect(seen, `no case produced a ${code} finding`).toContain(code);
    }
  });

  it("covers allowed, denied and ungated results", () => {
    const results = [...opa.values()].filter((outcome): outcome is ResultShape => typeof outcome === "object" && outcome !== null);
    expect(results.some((result) => result.allow === true && result.gated !== false)).toBe(true);
    expect(results.some((result) => result.allow === false)).toBe(true);
    expect(results.some((result) => result.gated === false)).toBe(true);
  });

  it("covers every Kubernetes kind", () => {
    const kinds = new Set(
      cases.filter((parityCase) => parityCase.entrypoint === "kubernetes").map((parityCase) => (parityCase.input as { kind?: unknown } | null)?.kind),
    );
    for (const shape of KUBERNETES_KINDS) {
      expect(kinds, `no case is a ${shape.kind}`).toContain(shape.kind);
    }
  });

  it.each(cases.map((parityCase) => [parityCase.id, parityCase] as const))("%s gives the same result", (id, parityCase) => {
    const context = `${id} (${parityCase.entrypoint}: ${parityCase.summary}); input ${JSON.stringify(parityCase.input)}; data ${JSON.stringify(parityCase.data)}; computed_at ${JSON.stringify(parityCase.computedAt)}`;
    expect(opa.get(id), `opa has no result for ${context}`).not.toBeUndefined();
    expect(wasm.get(id), `Wasm differs from opa eval for ${context}`).toEqual(opa.get(id));
  });
});

// OPA multiplies decimals exactly and Wasm in binary floating point, so a percentage that lies
// exactly halfway between two tenths (0.0315 is 3.15 %) once rounded differently in the two. These
// cases sweep every such tie from -0.1995 to 1.1995.
describe("percent rounding at ties", () => {
  const ties = Array.from({ length: 1400 }, (_, index) => Number((-0.1995 + index * 0.001).toFixed(4)));
  const tieCases: ParityCase[] = ties.map((remaining, index) => ({
    id: `tie_${index + 1}`,
    summary: `prompt deploy, quality remaining ${remaining}`,
    entrypoint: "decision",
    input: { deploy: { type: "prompt", vertical: "healthcare" } },
    data: budgetDocument(`tie_${index + 1}`, { healthcare: { quality: remaining } }),
    computedAt: { ageSeconds: 60 },
  }));
  let opa: Map<string, Outcome>;
  let wasm: Map<string, Outcome>;

  beforeAll(async () => {
    toolPath("opa");
    opa = await evaluateWithOpa(tieCases);
    wasm = evaluateWithWasm(await PolicyEngine.load(), tieCases);
  });

  it("rounds every tie alike", () => {
    const differing = tieCases.filter((tieCase) => !isDeepStrictEqual(opa.get(tieCase.id), wasm.get(tieCase.id)));
    expect(differing.map((tieCase) => tieCase.summary)).toEqual([]);
  });

  it.each([
    { remaining: 0.0315, text: "3.2%" },
    { remaining: -0.0315, text: "-3.2%" },
    { remaining: 0.2535, text: "25.4%" },
  ])("rounds $remaining half away from zero", ({ remaining, text }) => {
    const tieCase = tieCases.find((candidate) => candidate.summary.endsWith(` ${remaining}`));
    expect(tieCase).toBeDefined();
    expect(JSON.stringify(opa.get(tieCase!.id))).toContain(`has ${text} remaining`);
    expect(JSON.stringify(wasm.get(tieCase!.id))).toContain(`has ${text} remaining`);
  });
});
