/**
 * The three incidents of the demo data, placed relative to `end` during the affected vertical's
 * local business hours. Each one starts at least 10 hours after `end - 7 days` and ends at least
 * 31 hours before `end`, so it lies inside the 7-day budget window and the last 31 hours are clean.
 */
import { HOUR_MS, MINUTE_MS, type TrafficModel } from "./traffic.ts";

/** Half-open range [startMs, endMs) in UTC milliseconds. */
export interface TimeRange {
  startMs: number;
  endMs: number;
}

/** Most calls of the vertical fail to connect. */
export interface OutageIncident extends TimeRange {
  vertical: string;
  /** Probability that a call fails to connect during the outage. */
  failureRate: number;
}

/** The first-response latency distribution of the vertical shifts upward. */
export interface LatencyIncident extends TimeRange {
  vertical: string;
  /** Factor applied to every first-response time during the incident. */
  latencyFactor: number;
}

/** A prompt change makes more connected calls end without the caller's goal being met. */
export interface QualityIncident extends TimeRange {
  vertical: string;
  /** Probability that a connected call is not `ok` during the incident, before other effects are added. */
  notOkRate: number;
  /** Factor applied to the duration of calls that are not `ok` during the incident, because the agent loops. */
  failedCallDurationFactor: number;
}

export interface DemoIncidents {
  outage: OutageIncident;
  latency: LatencyIncident;
  quality: QualityIncident;
}

const MONDAY_TO_FRIDAY = [1, 2, 3, 4, 5];
const TUESDAY_TO_THURSDAY = [2, 3, 4];
const MONDAY_TO_THURSDAY = [1, 2, 3, 4];

/**
 * Returns the start of the latest local day that is at least `daysBefore` days before the local
 * date of `endMs` and whose weekday is in `weekdays`. For the lists above, that is at most
 * `daysBefore + 4` days before.
 */
function lastBusinessDayStartMs(model: TrafficModel, endMs: number, daysBefore: number, weekdays: number[]): number {
  let daysBack = daysBefore;
  let dayStartMs = model.localDayStartMs(endMs, daysBack);
  while (!weekdays.includes(model.localWeekday(dayStartMs))) {
    daysBack += 1;
    dayStartMs = model.localDayStartMs(endMs, daysBack);
  }
  return dayStartMs;
}

function findModel(models: readonly TrafficModel[], vertical: string): TrafficModel {
  const model = models.find((candidate) => candidate.profile.vertical === vertical);
  if (model === undefined) {
    throw new Error(`demo traffic model not found for vertical ${vertical}`);
  }
  return model;
}

/**
 * Places the demo incidents before `endMs`.
 *
 * The severities were tuned on scale-1 data for 24 seeds and end dates spread over the week.
 * Over the last 7 days, real_estate availability then ended at -3.3 to -4.2 remaining, salon
 * latency at 0.37 to 0.42 and healthcare quality at 0.15 to 0.20.
 */
export function planIncidents(models: readonly TrafficModel[], endMs: number): DemoIncidents {
  // A 20-minute outage late on a weekday morning, 2 to 4 days before end.
  const outageDay = lastBusinessDayStartMs(findModel(models, "real_estate"), endMs, 2, MONDAY_TO_FRIDAY);
  const outageStartMs = outageDay + 11 * HOUR_MS + 10 * MINUTE_MS;

  // Five slow hours from noon on a Tuesday to Thursday, 2 to 6 days before end.
  const latencyDay = lastBusinessDayStartMs(findModel(models, "salon"), endMs, 2, TUESDAY_TO_THURSDAY);

  // A prompt change deployed at 10:00 and rolled back at 16:00 the next day, which is also a weekday,
  // 3 to 6 days before end.
  const qualityDay = lastBusinessDayStartMs(findModel(models, "healthcare"), endMs, 3, MONDAY_TO_THURSDAY);

  return {
    outage: {
      vertical: "real_estate",
      startMs: outageStartMs,
      endMs: outageStartMs + 20 * MINUTE_MS,
      failureRate: 0.9,
    },
    latency: {
      vertical: "salon",
      startMs: latencyDay + 12 * HOUR_MS,
      endMs: latencyDay + 17 * HOUR_MS,
      latencyFactor: 1.6,
    },
    quality: {
      vertical: "healthcare",
      startMs: qualityDay + 10 * HOUR_MS,
      endMs: qualityDay + 40 * HOUR_MS,
      notOkRate: 0.097,
      failedCallDurationFactor: 1.3,
    },
  };
}
