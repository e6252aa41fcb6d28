import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.ts";
import { forecastBudget, type ForecastInput } from "../../src/forecast/index.ts";
import {
  HOUR,
  T0,
  WEEK_HOURS,
  dailyCycle,
  hoursEndingAt,
  remainingOf,
  repeatHour,
  seededRandom,
  simulateExhaustionStep,
} from "./support.ts";

const WEEK_MS = WEEK_HOURS * HOUR;

/** Input for a 7-day budget with target 0.99 forecast at 00:20 UTC, with remaining computed from `counts`. */
function inputFor(counts: Array<{ eligible: number; bad: number }>, overrides: Partial<ForecastInput> = {}): ForecastInput {
  return {
    history: hoursEndingAt(T0, counts),
    nowMs: T0 + 20 * 60_000,
    target: 0.99,
    windowMs: WEEK_MS,
    remaining: remainingOf(counts.slice(-WEEK_HOURS), 0.99),
    ...overrides,
  };
}

describe("forecastBudget exhaustion", () => {
  it("extrapolates a steady burn exactly", () => {
    // 16 hours at 5000 calls without errors, then 24 hours at 1000 calls with 20 bad (2 %).
    // Window now: 104000 eligible, 480 bad. After k more such hours, nothing has left the 7-day
    // window yet, and remaining = 1 − (480 + 20k) / (104000 + 1000k) / 0.01 reaches 0 at k = 56.
    const counts = [...repeatHour(16, 5000, 0), ...repeatHour(24, 1000, 20)];
    const forecast = forecastBudget(inputFor(counts));

    expect(forecast.method).toBe("linear");
    expect(forecast.historyHours).toBe(40);
    expect(forecast.forecastStartMs).toBe(T0);
    expect(forecast.exhaustion).toEqual({ kind: "forecast", atMs: T0 + 56 * HOUR });
    expect(forecast.smoothing).toBeNull();
  });

  it("tracks a daily cycle with Holt-Winters", () => {
    // One week of a daily cycle in traffic and in the bad fraction, with ±10 % noise on traffic and
    // ±20 % on bad events. The true exhaustion step comes from the noise-free continuation.
    const random = seededRandom(7919);
    const counts = Array.from({ length: WEEK_HOURS }, (_, hour) => {
      const eligible = Math.round(dailyCycle.eligible(hour) * (0.95 + 0.1 * random()));
      const bad = Math.round(eligible * dailyCycle.badFraction(hour) * (0.8 + 0.4 * random()));
      return { eligible, bad };
    });
    const truth = simulateExhaustionStep(
      counts,
      (step) => {
        const hour = WEEK_HOURS + step - 1;
        return { eligible: dailyCycle.eligible(hour), bad: dailyCycle.eligible(hour) * dailyCycle.badFraction(hour) };
      },
      WEEK_HOURS,
      0.99,
      WEEK_HOURS,
    );
    expect(truth).not.toBeNull();

    const forecast = forecastBudget(inputFor(counts));

    expect(forecast.method).toBe("holt_winters");
    expect(forecast.smoothing).not.toBeNull();
    expect(forecast.exhaustion.kind).toBe("forecast");
    const forecastStep = forecast.exhaustion.kind === "forecast" ? (forecast.exhaustion.atMs - T0) / HOUR : Number.NaN;
    // Tolerance: 12 hours, about 7 % of the one-week horizon.
    expect(Math.abs(forecastStep - truth!)).toBeLessThanOrEqual(12);
  });

  it("forecasts a noise-free daily cycle within 4 hours", () => {
    const counts = Array.from({ length: WEEK_HOURS }, (_, hour) => {
      const eligible = dailyCycle.eligible(hour);
      return { eligible, bad: eligible * dailyCycle.badFraction(hour) };
    });
    const truth = simulateExhaustionStep(
      counts,
      (step) => {
        const hour = WEEK_HOURS + step - 1;
        return { eligible: dailyCycle.eligible(hour), bad: dailyCycle.eligible(hour) * dailyCycle.badFraction(hour) };
      },
      WEEK_HOURS,
      0.99,
      WEEK_HOURS,
    );

    const forecast = forecastBudget(inputFor(counts));

    expect(forecast.exhaustion.kind).toBe("forecast");
    const forecastStep = forecast.exhaustion.kind === "forecast" ? (forecast.exhaustion.atMs - T0) / HOUR : Number.NaN;
    expect(Math.abs(forecastStep - truth!)).toBeLessThanOrEqual(4);
  });

  it("reports an exhausted budget as exhausted now", () => {
    const counts = repeatHour(30, 1000, 15);
    const input = inputFor(counts);
    expect(input.remaining).toBeLessThan(0);

    const forecast = forecastBudget(input);

    expect(forecast.exhaustion).toEqual({ kind: "exhausted", atMs: input.nowMs });
  });

  it("reports exactly spent as exhausted now", () => {
    const forecast = forecastBudget(inputFor(repeatHour(30, 1000, 10), { remaining: 0 }));
    expect(forecast.exhaustion.kind).toBe("exhausted");
  });

  it.each([
    { case: "linear", hours: 30, method: "linear" },
    { case: "Holt-Winters", hours: 2 * WEEK_HOURS, method: "holt_winters" },
  ])("never exhausts without burn ($case)", ({ hours, method }) => {
    const forecast = forecastBudget(inputFor(repeatHour(hours, 1000, 0)));

    expect(forecast.method).toBe(method);
    expect(forecast.exhaustion).toEqual({ kind: "not_within_horizon", horizonEndMs: T0 + WEEK_MS });
    expect(forecast.recovery).toBeNull();
  });

  it("stops at a shorter horizon", () => {
    const counts = [...repeatHour(16, 5000, 0), ...repeatHour(24, 1000, 20)];
    const forecast = forecastBudget(inputFor(counts, { horizonHours: 55 }));
    expect(forecast.exhaustion).toEqual({ kind: "not_within_horizon", horizonEndMs: T0 + 55 * HOUR });
  });

  it("needs six hours of history", () => {
    const forecast = forecastBudget(inputFor(repeatHour(5, 1000, 5)));

    expect(forecast.method).toBe("not_enough_data");
    expect(forecast.historyHours).toBe(5);
    expect(forecast.exhaustion).toEqual({ kind: "not_enough_data" });
  });

  it("needs eligible events", () => {
    const forecast = forecastBudget(inputFor(repeatHour(48, 0, 0), { remaining: null }));

    expect(forecast.method).toBe("not_enough_data");
    expect(forecast.historyHours).toBe(0);
    expect(forecast.exhaustion).toEqual({ kind: "not_enough_data" });
    expect(forecast.recovery).toBeNull();
  });

  it("counts history from the first hour with events", () => {
    // 40 empty hours, then 5 hours with calls: still too little history.
    const forecast = forecastBudget(inputFor([...repeatHour(40, 0, 0), ...repeatHour(5, 1000, 1)]));
    expect(forecast.historyHours).toBe(5);
    expect(forecast.method).toBe("not_enough_data");
  });

  it("leaves out the incomplete current hour", () => {
    const counts = [...repeatHour(16, 5000, 0), ...repeatHour(24, 1000, 20)];
    const input = inputFor(counts);
    // A bucket for the hour that contains nowMs, with a burst the forecast must not see.
    const withCurrentHour = { ...input, history: [...input.history, { hourStartMs: T0, eligible: 10, bad: 10 }] };

    expect(forecastBudget(withCurrentHour)).toEqual(forecastBudget(input));
  });

  it("fills missing hours with zero events", () => {
    // Same steady burn, but every third hour of the last day is missing from the rollups.
    const counts = [...repeatHour(16, 5000, 0), ...repeatHour(24, 1000, 20)];
    const history = hoursEndingAt(T0, counts).filter((_, index) => index < 16 || index % 3 !== 0);
    const dense = hoursEndingAt(T0, counts).map((bucket, index) =>
      index < 16 || index % 3 !== 0 ? bucket : { ...bucket, eligible: 0, bad: 0 },
    );
    const base = inputFor(counts);

    expect(forecastBudget({ ...base, history })).toEqual(forecastBudget({ ...base, history: dense }));
  });
});

describe("forecastBudget recovery", () => {
  it("recovers when a burst leaves the window", () => {
    // A week of 1000 calls an hour without errors, except the hour starting 68 hours before T0:
    // 1500 calls, all bad. Remaining is 1 − 1500 / 168500 / 0.01 ≈ 0.11, under 0.25, until the
    // whole burst hour has left the window: at the window end T0 − 68 h + 168 h + 1 h = T0 + 101 h.
    const counts = repeatHour(WEEK_HOURS, 1000, 0);
    counts[WEEK_HOURS - 68] = { eligible: 1500, bad: 1500 };
    const input = inputFor(counts);
    expect(input.remaining).toBeLessThan(0.25);

    for (const assumption of ["no_events", "average_good_traffic"] as const) {
      const forecast = forecastBudget({ ...input, recoveryAssumption: assumption });
      expect(forecast.recovery).toEqual({ atMs: T0 + 101 * HOUR, threshold: 0.25, assumption });
    }
  });

  it("depends on the assumed traffic", () => {
    // The older half of the window ran at 1.6 % bad, the newer half at 0 %: remaining 0.2.
    // Good traffic replaces one bad hour per step: remaining = 1 − (84 − k) / 105 ≥ 0.25 from k = 6.
    // With no new events, leaving good hours count too: 16 (84 − k) / (1000 (168 − k)) ≤ 0.0075
    // from k = 10.
    const counts = [...repeatHour(84, 1000, 16), ...repeatHour(84, 1000, 0)];
    const input = inputFor(counts);
    expect(input.remaining).toBeCloseTo(0.2, 12);

    const quiet = forecastBudget({ ...input, recoveryAssumption: "no_events" });
    const busy = forecastBudget({ ...input, recoveryAssumption: "average_good_traffic" });

    expect(quiet.recovery?.atMs).toBe(T0 + 10 * HOUR);
    expect(busy.recovery?.atMs).toBe(T0 + 6 * HOUR);
  });

  it("assumes no new events by default", () => {
    const counts = [...repeatHour(84, 1000, 16), ...repeatHour(84, 1000, 0)];
    expect(forecastBudget(inputFor(counts)).recovery?.assumption).toBe("no_events");
  });

  it("uses the given threshold", () => {
    // Threshold 0.1: the window is already at 0.2, so there is nothing to recover.
    const counts = [...repeatHour(84, 1000, 16), ...repeatHour(84, 1000, 0)];
    expect(forecastBudget(inputFor(counts, { recoveryThreshold: 0.1 })).recovery).toBeNull();
    // Threshold 0.5: 16 (84 − k) ≤ 5 (168 − k) from k = 504 / 11 ≈ 45.8, so k = 46.
    expect(forecastBudget(inputFor(counts, { recoveryThreshold: 0.5 })).recovery?.atMs).toBe(T0 + 46 * HOUR);
  });

  it("is null above the threshold", () => {
    const forecast = forecastBudget(inputFor(repeatHour(WEEK_HOURS, 1000, 2)));
    expect(forecast.recovery).toBeNull();
  });

  it("works without enough history to forecast", () => {
    // Four hours only, all bad enough to be under the threshold. With no new events the window
    // empties when the last hour leaves it: T0 − 1 h + 168 h + 1 h.
    const forecast = forecastBudget(inputFor(repeatHour(4, 1000, 9)));

    expect(forecast.method).toBe("not_enough_data");
    expect(forecast.recovery?.atMs).toBe(T0 + WEEK_MS);
  });

  it("ignores hours older than the window", () => {
    // A burst 200 hours ago is outside the 7-day window and does not delay recovery.
    const counts = [...repeatHour(32, 1000, 0), ...repeatHour(84, 1000, 16), ...repeatHour(84, 1000, 0)];
    counts[0] = { eligible: 1000, bad: 1000 };
    const forecast = forecastBudget(inputFor(counts));
    expect(forecast.recovery?.atMs).toBe(T0 + 10 * HOUR);
  });
});

describe("forecastBudget input", () => {
  const valid = inputFor(repeatHour(10, 1000, 1));

  it.each([
    { case: "unaligned hour", change: { history: [{ hourStartMs: T0 - HOUR + 1, eligible: 1, bad: 0 }] }, message: /not the start of a UTC hour/ },
    { case: "future hour", change: { history: [{ hourStartMs: T0 + 2 * HOUR, eligible: 1, bad: 0 }] }, message: /after nowMs/ },
    {
      case: "unsorted hours",
      change: {
        history: [
          { hourStartMs: T0 - HOUR, eligible: 1, bad: 0 },
          { hourStartMs: T0 - 2 * HOUR, eligible: 1, bad: 0 },
        ],
      },
      message: /ascending order/,
    },
    { case: "bad above eligible", change: { history: [{ hourStartMs: T0 - HOUR, eligible: 1, bad: 2 }] }, message: /bad 2 is invalid/ },
    { case: "negative eligible", change: { history: [{ hourStartMs: T0 - HOUR, eligible: -1, bad: 0 }] }, message: /eligible -1 is invalid/ },
    { case: "target of 1", change: { target: 1 }, message: /target 1 is invalid/ },
    { case: "partial-hour window", change: { windowMs: WEEK_MS + 1 }, message: /windowMs .* is invalid/ },
    { case: "infinite remaining", change: { remaining: Number.POSITIVE_INFINITY }, message: /remaining Infinity is invalid/ },
    { case: "threshold above 1", change: { recoveryThreshold: 1.5 }, message: /recoveryThreshold 1.5 is invalid/ },
    { case: "zero horizon", change: { horizonHours: 0 }, message: /horizonHours 0 is invalid/ },
    { case: "smoothing above 1", change: { smoothing: { alpha: 2, beta: 0, gamma: 0 } }, message: /smoothing.alpha 2 is invalid/ },
  ])("rejects $case", ({ change, message }) => {
    const call = () => forecastBudget({ ...valid, ...change } as ForecastInput);
    expect(call).toThrow(InputError);
    expect(call).toThrow(message);
  });

  it("uses fixed smoothing parameters", () => {
    const smoothing = { alpha: 0.3, beta: 0.02, gamma: 0.1 };
    const forecast = forecastBudget(inputFor(repeatHour(WEEK_HOURS, 1000, 3), { smoothing }));
    expect(forecast.smoothing).toEqual({ eligible: smoothing, bad: smoothing });
  });
});
