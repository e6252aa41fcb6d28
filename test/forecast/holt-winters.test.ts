import { describe, expect, it } from "vitest";
import { PARAMETER_GRID, fitHoltWinters, forecastHoltWinters } from "../../src/forecast/holt-winters.ts";
import { fitLinear, forecastLinear } from "../../src/forecast/linear.ts";
import { dailyCycle, seededRandom } from "./support.ts";

/** A line plus a fixed 24-point season: y = 50 + 0.3 t + S(t mod 24), with S summing to 0. */
const trendAndSeason = (t: number) => 50 + 0.3 * t + 10 * Math.sin((2 * Math.PI * t) / 24) + 4 * Math.cos((4 * Math.PI * t) / 24);

describe("fitHoltWinters", () => {
  it.each([
    { alpha: 0.05, beta: 0, gamma: 0.05 },
    { alpha: 0.5, beta: 0.1, gamma: 0.4 },
    { alpha: 1, beta: 1, gamma: 1 },
  ])("reproduces trend plus season (α $alpha, β $beta, γ $gamma)", (parameters) => {
    const values = Array.from({ length: 96 }, (_, t) => trendAndSeason(t));
    const fit = fitHoltWinters(values, 24, parameters);

    expect(fit.squaredError).toBeLessThan(1e-12);
    forecastHoltWinters(fit, 48).forEach((value, index) => {
      expect(value).toBeCloseTo(trendAndSeason(96 + index), 9);
    });
  });

  it("tracks a noisy daily cycle", () => {
    const random = seededRandom(11);
    const truth = (t: number) => dailyCycle.eligible(t) * dailyCycle.badFraction(t);
    const values = Array.from({ length: 168 }, (_, t) => truth(t) * (0.8 + 0.4 * random()));

    const forecast = forecastHoltWinters(fitHoltWinters(values, 24), 24);

    // The next day's values range from about 5.4 to 14.7; the forecast stays within 2.5 of them
    // and peaks within two hours of the true peak.
    const expected = Array.from({ length: 24 }, (_, index) => truth(168 + index));
    forecast.forEach((value, index) => {
      expect(Math.abs(value - expected[index]!)).toBeLessThan(2.5);
    });
    const peak = (series: number[]) => series.indexOf(Math.max(...series));
    expect(Math.abs(peak(forecast) - peak(expected))).toBeLessThanOrEqual(2);
  });

  it("picks parameters from the grid", () => {
    const random = seededRandom(3);
    const values = Array.from({ length: 72 }, (_, t) => trendAndSeason(t) + 5 * random());

    const { parameters } = fitHoltWinters(values, 24);

    expect(PARAMETER_GRID.alpha).toContain(parameters.alpha);
    expect(PARAMETER_GRID.beta).toContain(parameters.beta);
    expect(PARAMETER_GRID.gamma).toContain(parameters.gamma);
  });

  it("keeps the least error of the grid", () => {
    const random = seededRandom(5);
    const values = Array.from({ length: 72 }, (_, t) => trendAndSeason(t) + 5 * random());

    const best = fitHoltWinters(values, 24);

    for (const alpha of PARAMETER_GRID.alpha) {
      for (const gamma of PARAMETER_GRID.gamma) {
        const other = fitHoltWinters(values, 24, { alpha, beta: 0.01, gamma });
        expect(best.squaredError).toBeLessThanOrEqual(other.squaredError);
      }
    }
  });

  it("rejects fewer than two seasons", () => {
    expect(() => fitHoltWinters(new Array(47).fill(1), 24)).toThrow(/two full seasons: 48 values, got 47/);
  });

  it("rejects an error horizon beyond a season", () => {
    expect(() => fitHoltWinters(new Array(48).fill(1), 24, undefined, 25)).toThrow(/errorHorizon/);
  });
});

describe("fitLinear", () => {
  it("extends a line", () => {
    const fit = fitLinear([9, 1, 3, 5, 7], 4);
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.last).toBeCloseTo(7, 12);
    expect(forecastLinear(fit, 3)).toEqual([9, 11, 13].map((value) => expect.closeTo(value, 12)));
  });

  it("holds a single value flat", () => {
    expect(forecastLinear(fitLinear([4], 24), 2)).toEqual([4, 4]);
  });

  it("rejects an empty series", () => {
    expect(() => fitLinear([], 24)).toThrow(RangeError);
  });
});
