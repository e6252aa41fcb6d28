/** Text forms of the admin page's values and the colour level of a remaining fraction. */
import type { Config } from "../config/config.ts";

/** Colour level of a budget: the policy denies below `block` and escalates below `escalate`. */
export type Level = "ok" | "warn" | "blocked" | "escalated" | "no_data";

export const LEVEL_TEXT: Readonly<Record<Level, string>> = {
  ok: "healthy",
  warn: "warning",
  blocked: "blocked",
  escalated: "escalated",
  no_data: "no data",
};

/** Level of a remaining fraction; the comparisons are strict, as in the policy ("less than 25 % remaining"). */
export function levelOf(remaining: number | null, thresholds: Config["thresholds"]): Level {
  if (remaining === null) {
    return "no_data";
  }
  if (remaining < thresholds.escalate) {
    return "escalated";
  }
  if (remaining < thresholds.block) {
    return "blocked";
  }
  return remaining < thresholds.warn ? "warn" : "ok";
}

/** Formats a fraction as a percentage with one decimal: 0.163 gives `16.3%`. */
export function percent(fraction: number | null): string {
  return fraction === null ? "n/a" : `${(fraction * 100).toFixed(1)}%`;
}

/** Formats a target without trailing zeros: 0.999 gives `99.9%`, 0.95 gives `95%`. */
export function targetPercent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(3))}%`;
}

export function burnRate(rate: number | null): string {
  return rate === null ? "–" : rate.toFixed(2);
}

/** Formats a time as `2026-06-01 14:05 UTC`. */
export function utcTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Formats a duration in days and hours, or hours and minutes below a day: `2 d 3 h`, `5 h 10 min`, `4 min`. */
export function durationText(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) {
    return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  if (hours > 0) {
    return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  }
  return `${rest} min`;
}

/** Formats the distance from `now` to `date`: `in 2 d 3 h`, `5 min ago`, or `now` within half a minute. */
export function relativeTime(date: Date, now: Date): string {
  const deltaMs = date.getTime() - now.getTime();
  if (Math.round(Math.abs(deltaMs) / 60_000) === 0) {
    return "now";
  }
  return deltaMs > 0 ? `in ${durationText(deltaMs)}` : `${durationText(deltaMs)} ago`;
}
