import { describe, expect, it } from "vitest";
import type { CheckStatus } from "../../src/check/evaluate.ts";
import { exitCodeFor, reportedFindings, summarize, summaryLine } from "../../src/check/summary.ts";
import { buildFinding, buildMixedResults, buildResult } from "./support.ts";

function resultsWith(...statuses: CheckStatus[]) {
  return statuses.map((status) => buildResult({ status }));
}

describe("check summary", () => {
  describe("#exitCodeFor", () => {
    const cases: { statuses: CheckStatus[]; plain: number; failOnWarn: number }[] = [
      { statuses: [], plain: 0, failOnWarn: 0 },
      { statuses: ["pass", "skip"], plain: 0, failOnWarn: 0 },
      { statuses: ["pass", "warn"], plain: 0, failOnWarn: 1 },
      { statuses: ["pass", "fail"], plain: 1, failOnWarn: 2 },
      { statuses: ["pass", "error"], plain: 1, failOnWarn: 2 },
      { statuses: ["warn", "fail"], plain: 1, failOnWarn: 2 },
      { statuses: ["skip", "warn", "error"], plain: 1, failOnWarn: 2 },
    ];

    it.each(cases)("exits $plain for $statuses", ({ statuses, plain }) => {
      expect(exitCodeFor(resultsWith(...statuses), false)).toBe(plain);
    });

    it.each(cases)("exits $failOnWarn for $statuses on warn", ({ statuses, failOnWarn }) => {
      expect(exitCodeFor(resultsWith(...statuses), true)).toBe(failOnWarn);
    });
  });

  describe("#reportedFindings", () => {
    it("fails violations of denied documents", () => {
      const [, , denied] = buildMixedResults();
      expect(reportedFindings(denied!).map((reported) => `${reported.kind}:${reported.level}`)).toEqual(["violation:error", "escalation:error"]);
    });

    it("warns on violations of allowed documents", () => {
      const result = buildResult({ status: "warn", violations: [buildFinding()], warnings: [buildFinding({ code: "break_glass" })] });
      expect(reportedFindings(result).map((reported) => `${reported.kind}:${reported.level}`)).toEqual(["violation:warning", "warning:warning"]);
    });
  });

  describe("#summarize", () => {
    it("counts every status", () => {
      expect(summarize(buildMixedResults())).toEqual({ pass: 1, warn: 1, fail: 1, skip: 1, error: 1 });
    });
  });

  describe("#summaryLine", () => {
    it("counts allowed with warnings", () => {
      expect(summaryLine(buildMixedResults(), "r1")).toBe(
        "5 documents checked: 2 allowed (1 with warnings), 1 denied, 1 not gated, 1 error (budgets revision r1)",
      );
    });

    it("uses singular forms", () => {
      expect(summaryLine(resultsWith("error"), "r1")).toBe("1 document checked: 0 allowed (0 with warnings), 0 denied, 0 not gated, 1 error (budgets revision r1)");
    });
  });
});
