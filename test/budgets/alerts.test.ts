import { describe, expect, it } from "vitest";
import { alertFactor, BURN_WINDOW_MS, BURN_WINDOWS, DEFAULT_ALERTING, emptyBurnRates, evaluateAlert, type BurnRates, type BurnWindow } from "../../src/budgets/alerts.ts";
import { DAY_MS, HOUR_MS } from "../../src/budgets/durations.ts";

const THIRTY_DAYS = 30 * DAY_MS;
const SEVEN_DAYS = 7 * DAY_MS;

function rates(values: Partial<BurnRates>): BurnRates {
  return { ...emptyBurnRates(), ...values };
}

const PLENTY = Object.fromEntries(BURN_WINDOWS.map((window) => [window, 1000])) as Record<BurnWindow, number>;

describe("alertFactor", () => {
  it.each([
    { share: 0.02, long: "1h", factor: 14.4 },
    { share: 0.05, long: "6h", factor: 6 },
    { share: 0.1, long: "1d", factor: 3 },
    { share: 0.1, long: "3d", factor: 1 },
  ] as const)("gives $factor for $share of 30 days in $long", ({ share, long, factor }) => {
    expect(alertFactor(share, THIRTY_DAYS, BURN_WINDOW_MS[long])).toBeCloseTo(factor, 12);
  });

  it.each([
    { share: 0.05, long: "1h", factor: 8.4 },
    { share: 0.1, long: "6h", factor: 2.8 },
    { share: 0.2, long: "1d", factor: 1.4 },
    { share: 0.45, long: "3d", factor: 1.05 },
  ] as const)("gives 7-day default $factor for $long", ({ share, long, factor }) => {
    expect(alertFactor(share, SEVEN_DAYS, BURN_WINDOW_MS[long])).toBeCloseTo(factor, 12);
  });

  it("matches the default conditions", () => {
    expect(DEFAULT_ALERTING.page.map((c) => alertFactor(c.budgetSpent, SEVEN_DAYS, BURN_WINDOW_MS[c.long]))).toEqual([
      expect.closeTo(8.4, 12),
      expect.closeTo(2.8, 12),
    ]);
    expect(DEFAULT_ALERTING.ticket.map((c) => alertFactor(c.budgetSpent, SEVEN_DAYS, BURN_WINDOW_MS[c.long]))).toEqual([
      expect.closeTo(1.4, 12),
      expect.closeTo(1.05, 12),
    ]);
  });
});

describe("evaluateAlert with 30-day workbook pairs", () => {
  const policy = {
    minEvents: 10,
    page: [
      { long: "1h", short: "5m", budgetSpent: 0.02 },
      { long: "6h", short: "30m", budgetSpent: 0.05 },
    ],
    ticket: [
      { long: "1d", short: "2h", budgetSpent: 0.1 },
      { long: "3d", short: "6h", budgetSpent: 0.1 },
    ],
  } as const;
  const evaluate = (values: Partial<BurnRates>, eligible = PLENTY) =>
    evaluateAlert({ minEvents: policy.minEvents, page: [...policy.page], ticket: [...policy.ticket] }, THIRTY_DAYS, rates(values), eligible);

  it.each([
    { case: "fast burn in both windows", values: { "1h": 15, "5m": 15 }, level: "page" },
    { case: "fast burn that stopped", values: { "1h": 15, "5m": 2 }, level: "none" },
    { case: "short blip only", values: { "1h": 2, "5m": 50 }, level: "none" },
    { case: "factor itself does not fire", values: { "1h": 14.4, "5m": 14.4 }, level: "none" },
    { case: "slow page pair", values: { "6h": 6.5, "30m": 7 }, level: "page" },
    { case: "day ticket pair", values: { "1d": 3.5, "2h": 4 }, level: "ticket" },
    { case: "three-day ticket pair", values: { "3d": 1.2, "6h": 1.1 }, level: "ticket" },
    { case: "page wins over ticket", values: { "1h": 20, "5m": 20, "1d": 5, "2h": 5 }, level: "page" },
    { case: "no data", values: {}, level: "none" },
  ] as const)("$case gives $level", ({ values, level }) => {
    expect(evaluate(values)).toBe(level);
  });

  it("needs minimum events in short window", () => {
    const fewEvents = { ...PLENTY, "5m": 9 };
    expect(evaluate({ "1h": 15, "5m": 15 }, fewEvents)).toBe("none");
    expect(evaluate({ "1h": 15, "5m": 15 }, { ...PLENTY, "5m": 10 })).toBe("page");
  });

  it("keeps other pairs when one lacks events", () => {
    const fewEvents = { ...PLENTY, "5m": 3 };
    expect(evaluate({ "1h": 15, "5m": 15, "6h": 7, "30m": 7 }, fewEvents)).toBe("page");
  });
});

describe("burn window lengths", () => {
  it("orders windows shortest first", () => {
    const lengths = BURN_WINDOWS.map((window) => BURN_WINDOW_MS[window]);
    expect(lengths).toEqual([...lengths].sort((a, b) => a - b));
    expect(BURN_WINDOW_MS["2h"]).toBe(2 * HOUR_MS);
  });
});
