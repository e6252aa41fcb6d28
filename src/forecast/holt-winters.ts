/**
 * Additive Holt-Winters (triple exponential smoothing) with a fixed season length. Pure.
 *
 * For an observation y_t with season length m:
 *   level    L_t = α (y_t − S_{t−m}) + (1 − α)(L_{t−1} + B_{t−1})
 *   trend    B_t = β (L_t − L_{t−1}) + (1 − β) B_{t−1}
 *   season   S_t = γ (y_t − L_t) + (1 − γ) S_{t−m}
 *   forecast ŷ_{n+h} = L_n + h·B_n + S_{n+h−m·k}, with k = ⌊(h − 1)/m⌋ + 1
 * The components start from the first two seasons: the level and trend from the two season means,
 * the seasonal terms from each point's distance to its season mean, net of the trend. A series
 * that is exactly linear plus a repeating season is then reproduced without error.
 */

export interface HoltWintersParameters {
  /** Level smoothing α in [0, 1]. */
  alpha: number;
  /** Trend smoothing β in [0, 1]. */
  beta: number;
  /** Seasonal smoothing γ in [0, 1]. */
  gamma: number;
}

export interface HoltWintersFit {
  parameters: HoltWintersParameters;
  seasonLength: number;
  /** Number of observations the fit ran over. */
  observations: number;
  level: number;
  trend: number;
  /** Latest seasonal term of each phase; index `t mod seasonLength` for observation t. */
  seasonal: number[];
  /** Sum of squared errors of the in-sample forecasts 1 … errorHorizon steps ahead. */
  squaredError: number;
}

/**
 * Candidate parameters of the grid search: 6 × 4 × 4 = 96 combinations. Small β values keep a
 * trend learned from a few noisy hours from dominating a forecast that runs a week ahead.
 */
export const PARAMETER_GRID = {
  alpha: [0.05, 0.1, 0.2, 0.3, 0.5, 0.8],
  beta: [0, 0.01, 0.05, 0.1],
  gamma: [0.05, 0.1, 0.2, 0.4],
} as const;

interface State {
  level: number;
  trend: number;
  seasonal: number[];
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** State after the first season (observation m − 1), from the first two seasons. */
function initialState(values: readonly number[], seasonLength: number): State {
  const first = values.slice(0, seasonLength);
  const second = values.slice(seasonLength, 2 * seasonLength);
  const firstMean = mean(first);
  const secondMean = mean(second);
  const trend = (secondMean - firstMean) / seasonLength;
  const middle = (seasonLength - 1) / 2;
  const seasonal = first.map((value, phase) => {
    const offset = trend * (phase - middle);
    return (value - (firstMean + offset) + (second[phase]! - (secondMean + offset))) / 2;
  });
  return { level: firstMean + trend * middle, trend, seasonal };
}

/**
 * Runs the smoothing equations from observation m on. Returns the final state and the sum of the
 * squared errors of every forecast 1 … `errorHorizon` steps ahead made from the states at
 * observations m − 1 … n − 2, for targets up to n − 1.
 */
function smooth(
  values: readonly number[],
  seasonLength: number,
  parameters: HoltWintersParameters,
  errorHorizon: number,
): State & { squaredError: number } {
  const { alpha, beta, gamma } = parameters;
  const state = initialState(values, seasonLength);
  let { level, trend } = state;
  const seasonal = [...state.seasonal];
  // Level and trend of the last `errorHorizon` forecast origins, newest last.
  const origins: { index: number; level: number; trend: number }[] = [{ index: seasonLength - 1, level, trend }];
  let squaredError = 0;
  for (let t = seasonLength; t < values.length; t += 1) {
    const value = values[t]!;
    const phase = t % seasonLength;
    const previousSeasonal = seasonal[phase]!;
    // Phase t was last updated at observation t − m. No listed origin is older (errorHorizon ≤ m),
    // so the forecast of each origin for t uses this same seasonal term.
    for (const origin of origins) {
      const error = value - (origin.level + (t - origin.index) * origin.trend + previousSeasonal);
      squaredError += error * error;
    }
    const previousLevel = level;
    level = alpha * (value - previousSeasonal) + (1 - alpha) * (previousLevel + trend);
    trend = beta * (level - previousLevel) + (1 - beta) * trend;
    seasonal[phase] = gamma * (value - level) + (1 - gamma) * previousSeasonal;
    origins.push({ index: t, level, trend });
    if (origins.length > errorHorizon) {
      origins.shift();
    }
  }
  return { level, trend, seasonal, squaredError };
}

/**
 * Fits additive Holt-Winters to `values`, which must contain at least two full seasons. With
 * `parameters` the fit uses them. Without, it tries every combination of PARAMETER_GRID and keeps
 * the one with the least squared error of forecasts 1 … `errorHorizon` steps ahead (the first one
 * listed on a tie). Scoring only one step ahead favours a large α and β that chase the last few
 * points, and such a trend goes far astray over a week.
 */
export function fitHoltWinters(
  values: readonly number[],
  seasonLength: number,
  parameters?: HoltWintersParameters,
  errorHorizon: number = seasonLength,
): HoltWintersFit {
  if (!Number.isInteger(seasonLength) || seasonLength < 1 || values.length < 2 * seasonLength) {
    throw new RangeError(`Holt-Winters needs two full seasons: ${2 * seasonLength} values, got ${values.length}`);
  }
  if (!Number.isInteger(errorHorizon) || errorHorizon < 1 || errorHorizon > seasonLength) {
    throw new RangeError(`errorHorizon must be a whole number of steps from 1 to the season length ${seasonLength}, got ${errorHorizon}`);
  }
  const candidates = parameters === undefined ? gridCandidates() : [parameters];
  let best: HoltWintersFit | undefined;
  for (const candidate of candidates) {
    const state = smooth(values, seasonLength, candidate, errorHorizon);
    if (best === undefined || state.squaredError < best.squaredError) {
      best = { parameters: candidate, seasonLength, observations: values.length, ...state };
    }
  }
  return best!;
}

function gridCandidates(): HoltWintersParameters[] {
  const candidates: HoltWintersParameters[] = [];
  for (const alpha of PARAMETER_GRID.alpha) {
    for (const beta of PARAMETER_GRID.beta) {
      for (const gamma of PARAMETER_GRID.gamma) {
        candidates.push({ alpha, beta, gamma });
      }
    }
  }
  return candidates;
}

/** Forecasts the `steps` values after the fitted observations. */
export function forecastHoltWinters(fit: HoltWintersFit, steps: number): number[] {
  const last = fit.observations - 1;
  return Array.from({ length: steps }, (_, index) => {
    const ahead = index + 1;
    return fit.level + ahead * fit.trend + fit.seasonal[(last + ahead) % fit.seasonLength]!;
  });
}
