/** Durations written as a whole number and a unit, as in budget windows: `5m`, `6h`, `7d`, `2w`. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const UNIT_MS: Readonly<Record<string, number>> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS };
const DURATION_PATTERN = /^([1-9][0-9]{0,5})([mhdw])$/;

/** Parses `7d`-style durations into milliseconds; returns null for anything else. */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) {
    return null;
  }
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

/** Formats milliseconds in the largest exact unit up to days: 604800000 gives `7d`, 5400000 gives `90m`. */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m"]) {
    const size = UNIT_MS[unit]!;
    if (ms % size === 0) {
      return `${ms / size}${unit}`;
    }
  }
  return `${ms}ms`;
}
