/**
 * Burn-rate windows and multiwindow, multi-burn-rate alerts. Pure: no clock and no database.
 *
 * An alert condition pairs a long and a short window. It fires when the burn rate exceeds the
 * condition's factor in both windows, so a spike that already stopped (short window calm) and a
 * brief blip (long window calm) do not fire. The factor follows from the share of the budget the
 * condition tolerates spending within the long window:
 *   factor = share × budget period / long window.
 * With a 30-day period, 2 % in 1 h gives 14.4 and 5 % in 6 h gives 6.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./durations.ts";

/** The windows burn rates are computed over, shortest first. */
export const BURN_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

export const BURN_WINDOW_MS: Readonly<Record<BurnWindow, number>> = {
  "5m": 5 * MINUTE_MS,
  "30m": 30 * MINUTE_MS,
  "1h": HOUR_MS,
  "2h": 2 * HOUR_MS,
  "6h": 6 * HOUR_MS,
  "1d": DAY_MS,
  "3d": 3 * DAY_MS,
};

/** Burn rate per window; null where the window has no eligible events. */
export type BurnRates = Record<BurnWindow, number | null>;

export type AlertLevel = "page" | "ticket" | "none";

/** One long/short window pair and the share of the budget it tolerates in the long window. */
export interface AlertCondition {
  long: BurnWindow;
  short: BurnWindow;
  /** Share of the whole budget spent within the long window, in (0, 1]. */
  budgetSpent: number;
}

export interface AlertingPolicy {
  /** Eligible events the short window needs before its condition may fire. */
  minEvents: number;
  page: AlertCondition[];
  ticket: AlertCondition[];
}

/**
 * Defaults for 7-day budgets: page at 5 % of the budget in 1 h (factor 8.4) or 10 % in 6 h
 * (2.8); ticket at 20 % in 1 d (1.4) or 45 % in 3 d (1.05). docs/budgets.md explains the choice.
 */
export const DEFAULT_ALERTING: AlertingPolicy = {
  minEvents: 10,
  page: [
    { long: "1h", short: "5m", budgetSpent: 0.05 },
    { long: "6h", short: "30m", budgetSpent: 0.1 },
  ],
  ticket: [
    { long: "1d", short: "2h", budgetSpent: 0.2 },
    { long: "3d", short: "6h", budgetSpent: 0.45 },
  ],
};

/** Burn-rate factor of a condition: share × period / long window. */
export function alertFactor(budgetSpent: number, periodMs: number, longWindowMs: number): number {
  return (budgetSpent * periodMs) / longWindowMs;
}

/** Returns burn rates with every window null. */
export function emptyBurnRates(): BurnRates {
  return Object.fromEntries(BURN_WINDOWS.map((window) => [window, null])) as BurnRates;
}

function conditionFires(
  condition: AlertCondition,
  periodMs: number,
  burnRates: BurnRates,
  eligible: Readonly<Record<BurnWindow, number>>,
  minEvents: number,
): boolean {
  const factor = alertFactor(condition.budgetSpent, periodMs, BURN_WINDOW_MS[condition.long]);
  const long = burnRates[condition.long];
  const short = burnRates[condition.short];
  if (long === null || short === null || eligible[condition.short] < minEvents) {
    return false;
  }
  return long > factor && short > factor;
}

/**
 * Decides the alert level of a budget: `page` when a page condition fires, else `ticket` when a
 * ticket condition fires, else `none`. `eligible` has the eligible events of each window.
 */
export function evaluateAlert(
  policy: AlertingPolicy,
  periodMs: number,
  burnRates: BurnRates,
  eligible: Readonly<Record<BurnWindow, number>>,
): AlertLevel {
  const fires = (condition: AlertCondition) => conditionFires(condition, periodMs, burnRates, eligible, policy.minEvents);
  if (policy.page.some(fires)) {
    return "page";
  }
  if (policy.ticket.some(fires)) {
    return "ticket";
  }
  return "none";
}
