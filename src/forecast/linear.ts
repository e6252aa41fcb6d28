/** Ordinary least-squares line through the most recent points of a series. Pure. */

export interface LinearFit {
  /** Fitted value at the last point of the fitted range. */
  last: number;
  /** Change per step. */
  slope: number;
}

/** Fits `y = a + b·x` to the last `points` values of `values` (x = 0, 1, …). Needs at least one value. */
export function fitLinear(values: readonly number[], points: number): LinearFit {
  const recent = values.slice(Math.max(0, values.length - points));
  const count = recent.length;
  if (count === 0) {
    throw new RangeError("fitLinear needs at least one value");
  }
  const meanX = (count - 1) / 2;
  const meanY = recent.reduce((sum, value) => sum + value, 0) / count;
  let covariance = 0;
  let varianceX = 0;
  recent.forEach((value, x) => {
    covariance += (x - meanX) * (value - meanY);
    varianceX += (x - meanX) ** 2;
  });
  const slope = varianceX === 0 ? 0 : covariance / varianceX;
  return { last: meanY + slope * (count - 1 - meanX), slope };
}

/** Values of the fitted line for the `steps` points after the fitted range. */
export function forecastLinear(fit: LinearFit, steps: number): number[] {
  return Array.from({ length: steps }, (_, index) => fit.last + fit.slope * (index + 1));
}
