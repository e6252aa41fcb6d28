import { describe, expect, it } from "vitest";
import { costBudget, ratioBudget } from "../../src/budgets/math.ts";

describe("ratioBudget", () => {
  it.each([
    { case: "untouched budget", eligible: 1000, good: 1000, target: 0.95, remaining: 1, burnRate: 0 },
    { case: "exactly spent", eligible: 1000, good: 950, target: 0.95, remaining: 0, burnRate: 1 },
    { case: "overspent keeps negative", eligible: 1000, good: 900, target: 0.95, remaining: -1, burnRate: 2 },
    { case: "availability 0.999", eligible: 100000, good: 99950, target: 0.999, remaining: 0.5, burnRate: 0.5 },
  ])("$case", ({ eligible, good, target, remaining, burnRate }) => {
    const figures = ratioBudget({ eligible, good }, target);
    expect(figures.status).toBe("ok");
    expect(figures.remaining).toBeCloseTo(remaining, 12);
    expect(figures.burnRate).toBeCloseTo(burnRate, 12);
    expect(figures.budget).toBeCloseTo(1 - target, 15);
  });

  it("reports no data without eligible events", () => {
    expect(ratioBudget({ eligible: 0, good: 0 }, 0.95)).toEqual({
      status: "no_data",
      sli: null,
      burn: null,
      budget: 1 - 0.95,
      burnRate: null,
      remaining: null,
    });
  });
});

describe("costBudget", () => {
  it("spends nothing when cheaper than baseline", () => {
    const figures = costBudget({ windowCalls: 10, windowCostUsd: 0.9, baselineCalls: 10, baselineCostUsd: 1 }, 0.15);
    expect(figures.remaining).toBe(1);
    expect(figures.burn).toBe(0);
  });

  it("measures overrun against baseline mean", () => {
    // window mean 0.115, baseline mean 0.1: 15 % over, the whole allowance.
    const figures = costBudget({ windowCalls: 100, windowCostUsd: 11.5, baselineCalls: 200, baselineCostUsd: 20 }, 0.15);
    expect(figures.burn).toBeCloseTo(0.15, 12);
    expect(figures.remaining).toBeCloseTo(0, 12);
  });

  it("goes negative past the allowance", () => {
    // 30 % over an allowance of 15 %: remaining 1 - 2 = -1.
    const figures = costBudget({ windowCalls: 10, windowCostUsd: 1.3, baselineCalls: 10, baselineCostUsd: 1 }, 0.15);
    expect(figures.remaining).toBeCloseTo(-1, 12);
  });

  it.each([
    { case: "no window calls", windowCalls: 0, baselineCalls: 10, baselineCostUsd: 1 },
    { case: "no baseline calls", windowCalls: 10, baselineCalls: 0, baselineCostUsd: 0 },
    { case: "free baseline", windowCalls: 10, baselineCalls: 10, baselineCostUsd: 0 },
  ])("reports no data: $case", ({ windowCalls, baselineCalls, baselineCostUsd }) => {
    const figures = costBudget({ windowCalls, windowCostUsd: 1, baselineCalls, baselineCostUsd }, 0.15);
    expect(figures.status).toBe("no_data");
    expect(figures.remaining).toBeNull();
  });
});
