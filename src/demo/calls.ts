/**
 * Attributes of one demo call: whether it connected, its latencies, outcome and cost.
 *
 * The rates below are tuned so that, without incidents, the budgets over the last 7 days keep
 * about 60-75 % remaining at scale 1. Availability varies more (55-80 % over 24 seeds) because
 * it rests on a few dozen failed calls. The rates do not depend on the volume scale.
 */
import type { DemoRandom } from "./distributions.ts";

/** Per-vertical parameters of the call attributes. */
export interface CallProfile {
  vertical: string;
  /** Median first-response time at zero load, in milliseconds. */
  firstResponseMedianMs: number;
  /** Median call duration of connected calls, in seconds. */
  durationMedianSeconds: number;
  /** Lognormal sigma of the call duration. */
  durationSigma: number;
  /** Price per minute of connected call time (telephony, speech and language model), in USD. */
  pricePerMinuteUsd: number;
  /** Fixed price per connected call, in USD. */
  pricePerCallUsd: number;
  /** Relative growth of the cost per call per day, so the 7-day window costs more than its baseline. */
  costGrowthPerDay: number;
  /** Probability that a connected call without a stall or slow response is not `ok`. */
  notOkRate: number;
}

export const CALL_PROFILES: readonly CallProfile[] = [
  {
    vertical: "healthcare",
    firstResponseMedianMs: 440,
    durationMedianSeconds: 170,
    durationSigma: 0.6,
    pricePerMinuteUsd: 0.11,
    pricePerCallUsd: 0.01,
    costGrowthPerDay: 0.0035,
    notOkRate: 0.018,
  },
  {
    vertical: "real_estate",
    firstResponseMedianMs: 420,
    durationMedianSeconds: 150,
    durationSigma: 0.7,
    pricePerMinuteUsd: 0.09,
    pricePerCallUsd: 0.01,
    costGrowthPerDay: 0.005,
    notOkRate: 0.016,
  },
  {
    vertical: "salon",
    firstResponseMedianMs: 410,
    durationMedianSeconds: 95,
    durationSigma: 0.5,
    pricePerMinuteUsd: 0.07,
    pricePerCallUsd: 0.008,
    costGrowthPerDay: 0.005,
    notOkRate: 0.016,
  },
];

/** Probability that a call fails to connect outside incidents. */
const BASE_FAILURE_RATE = 0.0003;
/** Share of connected calls whose first-response time was not recorded. */
const MISSING_FIRST_RESPONSE_RATE = 0.012;
/** The first-response median grows by this fraction at the vertical's busiest hour. */
const PEAK_LOAD_SLOWDOWN = 0.12;
const FIRST_RESPONSE_SIGMA = 0.22;
/** Share of responses that take a slow path (tool call, knowledge lookup) with a longer median. */
const SLOW_RESPONSE_RATE = 0.012;
const SLOW_RESPONSE_FACTOR = 2.0;
const SLOW_RESPONSE_SIGMA = 0.35;
const MIN_FIRST_RESPONSE_MS = 150;

const SILENCE_MEDIAN_MS = 1100;
const SILENCE_SIGMA = 0.35;
/** Share of connected calls where the agent stalls once, with a long silence. */
const STALL_RATE = 0.004;
const STALL_MEDIAN_MS = 6000;
const STALL_SIGMA = 0.5;

/** Silence, in milliseconds, after which callers often hang up. The stall budget uses the same threshold. */
const LONG_SILENCE_MS = 4000;
/** Extra probability that a call with a silence above LONG_SILENCE_MS is not `ok`. */
const LONG_SILENCE_NOT_OK_INCREASE = 0.3;
/** Extra probability that a call whose first response took over SLOW_RESPONSE_THRESHOLD_MS is not `ok`. */
const SLOW_RESPONSE_NOT_OK_INCREASE = 0.05;
const SLOW_RESPONSE_THRESHOLD_MS = 1500;

const MIN_DURATION_SECONDS = 8;
const MAX_DURATION_SECONDS = 3600;
/** A call that does not connect costs between these amounts (telephony setup only), in USD. */
const FAILED_CALL_MIN_COST_USD = 0.001;
const FAILED_CALL_MAX_COST_USD = 0.004;

/** Conditions that apply to one call, set by the time of day and by incidents. */
export interface CallConditions {
  /** Call rate relative to the vertical's busiest hour, in [0, 1]. */
  load: number;
  /** Days from the call to `end`. */
  daysBeforeEnd: number;
  /** Probability of not connecting, or null for the base rate. */
  failureRate: number | null;
  /** Factor on the first-response time, 1 outside incidents. */
  latencyFactor: number;
  /** Probability of not being `ok`, or null for the profile's rate. */
  notOkRate: number | null;
  /** Factor on the duration of calls that are not `ok`, 1 outside incidents. */
  failedCallDurationFactor: number;
}

export interface CallAttributes {
  connected: boolean;
  ok: boolean;
  firstResponseMs: number | null;
  maxSilenceMs: number | null;
  costUsd: number;
}

function roundToMicros(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Draws the attributes of one call. */
export function sampleCallAttributes(
  random: DemoRandom,
  profile: CallProfile,
  conditions: CallConditions,
): CallAttributes {
  const failureRate = conditions.failureRate ?? BASE_FAILURE_RATE;
  if (random.chance(failureRate)) {
    const cost = FAILED_CALL_MIN_COST_USD + (FAILED_CALL_MAX_COST_USD - FAILED_CALL_MIN_COST_USD) * random.uniform();
    return { connected: false, ok: false, firstResponseMs: null, maxSilenceMs: null, costUsd: roundToMicros(cost) };
  }

  let firstResponseMs: number | null = null;
  if (!random.chance(MISSING_FIRST_RESPONSE_RATE)) {
    let median = profile.firstResponseMedianMs * (1 + PEAK_LOAD_SLOWDOWN * conditions.load) * conditions.latencyFactor;
    let sigma = FIRST_RESPONSE_SIGMA;
    if (random.chance(SLOW_RESPONSE_RATE)) {
      median *= SLOW_RESPONSE_FACTOR;
      sigma = SLOW_RESPONSE_SIGMA;
    }
    firstResponseMs = Math.max(MIN_FIRST_RESPONSE_MS, Math.round(random.logNormal(median, sigma)));
  }

  // The wait for the first response is one of the silences, so it bounds the maximum from below.
  const stalled = random.chance(STALL_RATE);
  const silenceMs = stalled
    ? random.logNormal(STALL_MEDIAN_MS, STALL_SIGMA)
    : random.logNormal(SILENCE_MEDIAN_MS, SILENCE_SIGMA);
  const maxSilenceMs = Math.max(Math.round(silenceMs), firstResponseMs ?? 0);

  let notOkProbability = conditions.notOkRate ?? profile.notOkRate;
  if (maxSilenceMs > LONG_SILENCE_MS) {
    notOkProbability += LONG_SILENCE_NOT_OK_INCREASE;
  }
  if (firstResponseMs !== null && firstResponseMs > SLOW_RESPONSE_THRESHOLD_MS) {
    notOkProbability += SLOW_RESPONSE_NOT_OK_INCREASE;
  }
  const ok = !random.chance(notOkProbability);

  let durationSeconds = random.logNormal(profile.durationMedianSeconds, profile.durationSigma);
  if (!ok) {
    durationSeconds *= conditions.failedCallDurationFactor;
  }
  durationSeconds = Math.min(MAX_DURATION_SECONDS, Math.max(MIN_DURATION_SECONDS, durationSeconds));

  // 1 at `end` and lower before it, so the 7-day window costs a few percent more than its baseline.
  const priceFactor = Math.exp(-profile.costGrowthPerDay * conditions.daysBeforeEnd);
  const cost = (profile.pricePerCallUsd + (durationSeconds / 60) * profile.pricePerMinuteUsd) * priceFactor;

  return { connected: true, ok, firstResponseMs, maxSilenceMs, costUsd: roundToMicros(cost) };
}
