/**
 * Exhaustion and recovery forecasts of one ratio budget from its hourly history. Pure: the caller
 * passes the time, and nothing here reads a clock or the database. docs/forecasts.md describes the
 * methods, the formulas and their limits.
 */
import { InputError } from "../errors.ts";
import { fitHoltWinters, forecastHoltWinters, type HoltWintersParameters } from "./holt-winters.ts";
import { fitLinear, forecastLinear } from "./linear.ts";
import { buildHourlySeries, HOUR_MS, type HourlyCounts, type HourlySeries } from "./series.ts";
import { currentWindowSums, firstStepWhere, type FutureHour } from "./window.ts";

/** Tolerance for comparing a remaining fraction with 0 or a threshold, against rounding. */
const EPSILON = 1e-12;

export type ForecastMethod = "holt_winters" | "linear" | "not_enough_data";

/**
 * Assumption of the recovery forecast about the hours after now. `no_events`: nothing arrives, as
 * the budget engine's recovery time assumes. `average_good_traffic`: each hour brings the current
 * window's average eligible volume, all of it good.
 */
export type RecoveryAssumption = "no_events" | "average_good_traffic";

export interface ForecastInput {
  /** Hourly counts in ascending order; at least the budget window, more helps Holt-Winters. */
  history: readonly HourlyCounts[];
  /** Time of the forecast, normally the budget's window end (ms since the epoch). */
  nowMs: number;
  /** SLO target of the budget, in (0, 1). */
  target: number;
  /** Length of the budget window in ms; a whole number of hours. */
  windowMs: number;
  /** Remaining fraction the budget engine computed at `nowMs`; null when the budget has no data. */
  remaining: number | null;
  /** Remaining fraction the recovery forecast waits for. Default 0.25, the block level. */
  recoveryThreshold?: number;
  /** Hours ahead the exhaustion forecast looks. Default 168 (7 days). */
  horizonHours?: number;
  /** Default `no_events`. */
  recoveryAssumption?: RecoveryAssumption;
  /** Fixed Holt-Winters parameters for both series instead of the grid search. */
  smoothing?: HoltWintersParameters;
}

export type Exhaustion =
  /** Remaining was already at or below 0 at `nowMs`; `atMs` is `nowMs`. */
  | { kind: "exhausted"; atMs: number }
  /** End of the first forecast hour whose window has remaining at or below 0. */
  | { kind: "forecast"; atMs: number }
  /** Remaining stays above 0 up to `horizonEndMs`. */
  | { kind: "not_within_horizon"; horizonEndMs: number }
  | { kind: "not_enough_data" };

export interface Recovery {
  /** End of the first hour whose window has remaining at or above `threshold`. */
  atMs: number;
  threshold: number;
  assumption: RecoveryAssumption;
}

export interface BudgetForecast {
  method: ForecastMethod;
  /** Complete hours from the first hour with eligible events to `forecastStartMs`. */
  historyHours: number;
  /** Start of the first forecast hour: the start of the hour that contains `nowMs`. */
  forecastStartMs: number;
  exhaustion: Exhaustion;
  /** Null when remaining is already at or above the threshold, or the budget has no data. */
  recovery: Recovery | null;
  /** Holt-Winters parameters used for each series; null for the other methods. */
  smoothing: { eligible: HoltWintersParameters; bad: HoltWintersParameters } | null;
}

export const FORECAST_DEFAULTS = {
  /** Below this many hours of history the exhaustion forecast is `not_enough_data`. */
  minHistoryHours: 6,
  /** From this many hours on (two days), Holt-Winters replaces the linear trend. */
  holtWintersMinHours: 48,
  /** Season length of Holt-Winters: one day of hourly points. */
  seasonHours: 24,
  /** The linear trend is fitted on this many most recent hours. */
  linearFitHours: 24,
  /** Holt-Winters is fitted on at most this many most recent hours (4 weeks). */
  maxTrainingHours: 28 * 24,
  horizonHours: 7 * 24,
  recoveryThreshold: 0.25,
  recoveryAssumption: "no_events" as RecoveryAssumption,
} as const;

/** Forecasts when the budget runs out and when it climbs back over the recovery threshold. */
export function forecastBudget(input: ForecastInput): BudgetForecast {
  validateInput(input);
  const series = buildHourlySeries(input.history, input.nowMs);
  const windowHours = input.windowMs / HOUR_MS;
  const historyHours = series.eligible.length;
  const method: ForecastMethod =
    historyHours < FORECAST_DEFAULTS.minHistoryHours
      ? "not_enough_data"
      : historyHours < FORECAST_DEFAULTS.holtWintersMinHours
        ? "linear"
        : "holt_winters";

  const projection = method === "not_enough_data" ? null : projectHours(series, method, input);
  return {
    method,
    historyHours,
    forecastStartMs: series.endMs,
    exhaustion: forecastExhaustion(input, series, windowHours, projection?.future ?? null),
    recovery: forecastRecovery(input, series, windowHours),
    smoothing: projection?.smoothing ?? null,
  };
}

interface Projection {
  future: FutureHour[];
  smoothing: BudgetForecast["smoothing"];
}

/** Forecasts eligible and bad events of each hour of the horizon, each series on its own. */
function projectHours(series: HourlySeries, method: "linear" | "holt_winters", input: ForecastInput): Projection {
  const steps = input.horizonHours ?? FORECAST_DEFAULTS.horizonHours;
  let eligible: number[];
  let bad: number[];
  let smoothing: Projection["smoothing"] = null;
  if (method === "linear") {
    eligible = forecastLinear(fitLinear(series.eligible, FORECAST_DEFAULTS.linearFitHours), steps);
    bad = forecastLinear(fitLinear(series.bad, FORECAST_DEFAULTS.linearFitHours), steps);
  } else {
    const recent = (values: number[]) => values.slice(-FORECAST_DEFAULTS.maxTrainingHours);
    const eligibleFit = fitHoltWinters(recent(series.eligible), FORECAST_DEFAULTS.seasonHours, input.smoothing);
    const badFit = fitHoltWinters(recent(series.bad), FORECAST_DEFAULTS.seasonHours, input.smoothing);
    eligible = forecastHoltWinters(eligibleFit, steps);
    bad = forecastHoltWinters(badFit, steps);
    smoothing = { eligible: eligibleFit.parameters, bad: badFit.parameters };
  }
  // Counts cannot be negative, and an hour cannot have more bad events than eligible ones.
  const future = eligible.map((value, index) => {
    const hourEligible = Math.max(0, value);
    return { eligible: hourEligible, bad: Math.min(hourEligible, Math.max(0, bad[index]!)) };
  });
  return { future, smoothing };
}

function forecastExhaustion(input: ForecastInput, series: HourlySeries, windowHours: number, future: FutureHour[] | null): Exhaustion {
  if (input.remaining !== null && input.remaining <= EPSILON) {
    return { kind: "exhausted", atMs: input.nowMs };
  }
  if (future === null || input.remaining === null) {
    return { kind: "not_enough_data" };
  }
  const step = firstStepWhere(series, windowHours, input.target, future, (remaining) => remaining !== null && remaining <= EPSILON);
  if (step === null) {
    return { kind: "not_within_horizon", horizonEndMs: series.endMs + future.length * HOUR_MS };
  }
  return { kind: "forecast", atMs: series.endMs + step * HOUR_MS };
}

/**
 * Rolls the window forward with the assumed future hours until remaining reaches the threshold. An
 * empty window counts as recovered, as in the budget engine. Every past hour has left the window
 * after `windowHours` steps, so the search always ends within them.
 */
function forecastRecovery(input: ForecastInput, series: HourlySeries, windowHours: number): Recovery | null {
  const threshold = input.recoveryThreshold ?? FORECAST_DEFAULTS.recoveryThreshold;
  const assumption = input.recoveryAssumption ?? FORECAST_DEFAULTS.recoveryAssumption;
  if (input.remaining === null || input.remaining >= threshold - EPSILON) {
    return null;
  }
  const hoursInWindow = Math.min(series.eligible.length, windowHours);
  const averageEligible = hoursInWindow === 0 ? 0 : currentWindowSums(series, windowHours).eligible / hoursInWindow;
  const hourlyEligible = assumption === "no_events" ? 0 : averageEligible;
  const future = Array.from({ length: windowHours }, () => ({ eligible: hourlyEligible, bad: 0 }));
  const step = firstStepWhere(series, windowHours, input.target, future, (remaining) => remaining === null || remaining >= threshold - EPSILON);
  if (step === null) {
    // NOTE: unreachable with a valid window, because after windowHours steps only good hours or none remain.
    return null;
  }
  return { atMs: series.endMs + step * HOUR_MS, threshold, assumption };
}

function validateInput(input: ForecastInput): void {
  if (!Number.isSafeInteger(input.nowMs)) {
    throw new InputError(`nowMs ${input.nowMs} is invalid; expected milliseconds since the epoch`);
  }
  if (!(input.target > 0 && input.target < 1)) {
    throw new InputError(`target ${input.target} is invalid; forecasts need a ratio budget with a target between 0 and 1`);
  }
  if (!Number.isSafeInteger(input.windowMs) || input.windowMs <= 0 || input.windowMs % HOUR_MS !== 0) {
    throw new InputError(`windowMs ${input.windowMs} is invalid; expected a positive whole number of hours (${HOUR_MS} ms each)`);
  }
  if (input.remaining !== null && !Number.isFinite(input.remaining)) {
    throw new InputError(`remaining ${input.remaining} is invalid; expected a finite number or null`);
  }
  const threshold = input.recoveryThreshold ?? FORECAST_DEFAULTS.recoveryThreshold;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new InputError(`recoveryThreshold ${threshold} is invalid; expected a fraction between 0 and 1`);
  }
  const horizon = input.horizonHours ?? FORECAST_DEFAULTS.horizonHours;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 24 * 366) {
    throw new InputError(`horizonHours ${horizon} is invalid; expected a whole number of hours between 1 and ${24 * 366}`);
  }
  if (input.smoothing !== undefined) {
    for (const [name, value] of Object.entries(input.smoothing)) {
      if (!(value >= 0 && value <= 1)) {
        throw new InputError(`smoothing.${name} ${value} is invalid; expected a value between 0 and 1`);
      }
    }
  }
}
