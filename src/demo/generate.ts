/**
 * Seeded generator of demo call records for three verticals of AI voice agents.
 *
 * Traffic follows a daily and a weekly cycle per vertical (see traffic.ts). Each call gets its
 * latencies, outcome and cost from calls.ts, and three incidents (see incidents.ts) spend parts
 * of specific budgets inside the 7-day window that ends at `end`.
 */
import { InputError } from "../errors.ts";
import { type CallConditions, type CallProfile, CALL_PROFILES, sampleCallAttributes } from "./calls.ts";
import { DemoRandom } from "./distributions.ts";
import { type DemoIncidents, planIncidents, type TimeRange } from "./incidents.ts";
import { DAY_MS, HOUR_MS, MINUTE_MS, TRAFFIC_PROFILES, TrafficModel } from "./traffic.ts";

/** One row of the calls table. */
export interface DemoCall {
  vertical: string;
  /** Null for calls that reached the vertical's shared line without a tenant (about 1 %). */
  tenantId: string | null;
  createdAt: Date;
  connected: boolean;
  /** Whether the caller's goal was met. Always false for calls that did not connect. */
  ok: boolean;
  /** Null when the call did not connect or its telemetry is missing (about 1.2 % of connected calls). */
  firstResponseMs: number | null;
  /** Null when the call did not connect. */
  maxSilenceMs: number | null;
  /** Rounded to 6 decimals. */
  costUsd: number;
}

export interface DemoOptions {
  /** Integer from 0 to 2^32 - 1. The same seed, end and scale give identical calls. */
  seed: number;
  /** Every call is created before this instant. */
  end: Date;
  /** Days of history before `end`, an integer from 21 to 365. 21 covers the 7-day window and its 14-day cost baseline. */
  days: number;
  /**
   * Volume factor: 1 gives about 1,000,000 calls per 21 days. Greater than 0 and at most 20.
   * NOTE: below about 0.5 the budgets depend more on the seed, because a healthy availability
   * budget then rests on a handful of failed calls. At 0.2, 40 seeds gave healthy availability
   * down to 0.44 remaining and healthcare quality up to 0.23.
   */
  scale: number;
}

export const DEMO_VERTICALS: readonly string[] = TRAFFIC_PROFILES.map((profile) => profile.vertical);

export const DEFAULT_DEMO_SEED = 42;
export const DEFAULT_DEMO_DAYS = 21;
export const DEFAULT_DEMO_SCALE = 1;
const MIN_DAYS = 21;
const MAX_DAYS = 365;
const MAX_SEED = 2 ** 32 - 1;
const MAX_SCALE = 20;

/**
 * Fills the defaults (seed 42, 21 days, scale 1) and validates the options.
 * `end` has no default, so the caller decides what "now" is.
 * Throws InputError naming the invalid option, its value and the accepted range.
 */
export function validateDemoOptions(raw: Partial<DemoOptions>): DemoOptions {
  const seed = raw.seed ?? DEFAULT_DEMO_SEED;
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new InputError(`Invalid demo option seed=${String(seed)}: expected an integer from 0 to ${MAX_SEED}.`);
  }

  const end: unknown = raw.end;
  if (end === undefined) {
    throw new InputError("Missing demo option end: expected a valid date, such as the current time.");
  }
  if (!(end instanceof Date) || Number.isNaN(end.getTime())) {
    throw new InputError(`Invalid demo option end=${String(end)}: expected a valid date.`);
  }

  const days = raw.days ?? DEFAULT_DEMO_DAYS;
  if (typeof days !== "number" || !Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) {
    throw new InputError(
      `Invalid demo option days=${String(days)}: expected an integer from ${MIN_DAYS} to ${MAX_DAYS}` +
        " (21 days cover the 7-day window and the 14-day cost baseline before it).",
    );
  }

  const scale = raw.scale ?? DEFAULT_DEMO_SCALE;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale <= 0 || scale > MAX_SCALE) {
    throw new InputError(
      `Invalid demo option scale=${String(scale)}: expected a number greater than 0 and at most ${MAX_SCALE}` +
        " (1 gives about 1,000,000 calls per 21 days).",
    );
  }

  return { seed, end: new Date(end.getTime()), days, scale };
}

interface VerticalState {
  traffic: TrafficModel;
  calls: CallProfile;
  /** Cumulative tenant shares, for picking a tenant with one uniform draw. */
  cumulativeTenantShares: number[];
}

function buildVerticalStates(): VerticalState[] {
  return TRAFFIC_PROFILES.map((profile) => {
    const calls = CALL_PROFILES.find((candidate) => candidate.vertical === profile.vertical);
    if (calls === undefined) {
      throw new Error(`demo call profile not found for vertical ${profile.vertical}`);
    }
    let total = 0;
    const cumulativeTenantShares = profile.tenants.map((tenant) => (total += tenant.share));
    return { traffic: new TrafficModel(profile), calls, cumulativeTenantShares };
  });
}

const VERTICAL_STATES = buildVerticalStates();

/**
 * Returns the expected number of calls for the options, the sum of the Poisson means that
 * generateCalls draws from. The actual count differs by about its square root.
 */
export function estimateCallCount(options: DemoOptions): number {
  const { end, days, scale } = validateDemoOptions(options);
  const startMs = end.getTime() - days * DAY_MS;
  const minutes = days * 24 * 60;
  let expected = 0;
  for (let minute = 0; minute < minutes; minute += 1) {
    const middleMs = startMs + minute * MINUTE_MS + MINUTE_MS / 2;
    for (const state of VERTICAL_STATES) {
      expected += state.traffic.callsPerMinute(middleMs, scale);
    }
  }
  return Math.round(expected);
}

function pickTenant(random: DemoRandom, state: VerticalState): string | null {
  const draw = random.uniform();
  const tenants = state.traffic.profile.tenants;
  for (let index = 0; index < tenants.length - 1; index += 1) {
    if (draw < (state.cumulativeTenantShares[index] ?? 1)) {
      return tenants[index]?.tenantId ?? null;
    }
  }
  return tenants[tenants.length - 1]?.tenantId ?? null;
}

function isWithin(range: TimeRange, timeMs: number): boolean {
  return timeMs >= range.startMs && timeMs < range.endMs;
}

/** Returns the conditions for a call of `vertical` at `timeMs`, with the incidents applied. */
function callConditions(
  incidents: DemoIncidents,
  vertical: string,
  timeMs: number,
  load: number,
  endMs: number,
): CallConditions {
  const conditions: CallConditions = {
    load,
    daysBeforeEnd: (endMs - timeMs) / DAY_MS,
    failureRate: null,
    latencyFactor: 1,
    notOkRate: null,
    failedCallDurationFactor: 1,
  };
  const { outage, latency, quality } = incidents;
  if (vertical === outage.vertical && isWithin(outage, timeMs)) {
    conditions.failureRate = outage.failureRate;
  }
  if (vertical === latency.vertical && isWithin(latency, timeMs)) {
    conditions.latencyFactor = latency.latencyFactor;
  }
  if (vertical === quality.vertical && isWithin(quality, timeMs)) {
    conditions.notOkRate = quality.notOkRate;
    conditions.failedCallDurationFactor = quality.failedCallDurationFactor;
  }
  return conditions;
}

/**
 * Generates the demo calls from `end - days` up to `end`, one batch per hour of time, in
 * creation order. Hours without calls yield nothing.
 *
 * Each minute, each vertical gets a Poisson number of calls with the mean from its traffic
 * model, at uniform random milliseconds within the minute. Validates the options first and
 * throws InputError before any call is generated.
 */
export function generateCalls(options: DemoOptions): Generator<DemoCall[]> {
  const validated = validateDemoOptions(options);
  return generateBatches(validated);
}

function* generateBatches(options: DemoOptions): Generator<DemoCall[]> {
  const random = new DemoRandom(options.seed);
  const endMs = options.end.getTime();
  const startMs = endMs - options.days * DAY_MS;
  const incidents = planIncidents(
    VERTICAL_STATES.map((state) => state.traffic),
    endMs,
  );
  const verticalCount = VERTICAL_STATES.length;

  // Keys of the calls of one minute: millisecond offset * verticalCount + vertical index.
  // Sorting the keys numerically orders the calls by time.
  let minuteKeys = new Float64Array(256);

  for (let hourStartMs = startMs; hourStartMs < endMs; hourStartMs += HOUR_MS) {
    const batch: DemoCall[] = [];

    for (let minuteStartMs = hourStartMs; minuteStartMs < hourStartMs + HOUR_MS; minuteStartMs += MINUTE_MS) {
      const middleMs = minuteStartMs + MINUTE_MS / 2;
      let callCount = 0;
      for (let verticalIndex = 0; verticalIndex < verticalCount; verticalIndex += 1) {
        const state = VERTICAL_STATES[verticalIndex] as VerticalState;
        const count = random.poisson(state.traffic.callsPerMinute(middleMs, options.scale));
        if (callCount + count > minuteKeys.length) {
          const grown = new Float64Array(Math.max(minuteKeys.length * 2, callCount + count));
          grown.set(minuteKeys);
          minuteKeys = grown;
        }
        for (let call = 0; call < count; call += 1) {
          const offsetMs = Math.floor(random.uniform() * MINUTE_MS);
          minuteKeys[callCount] = offsetMs * verticalCount + verticalIndex;
          callCount += 1;
        }
      }

      const keys = minuteKeys.subarray(0, callCount).sort();
      for (const key of keys) {
        const verticalIndex = key % verticalCount;
        const state = VERTICAL_STATES[verticalIndex] as VerticalState;
        const createdAtMs = minuteStartMs + (key - verticalIndex) / verticalCount;
        const vertical = state.traffic.profile.vertical;
        const load = state.traffic.relativeRate(createdAtMs);
        const conditions = callConditions(incidents, vertical, createdAtMs, load, endMs);
        const tenantId = pickTenant(random, state);
        const attributes = sampleCallAttributes(random, state.calls, conditions);
        batch.push({ vertical, tenantId, createdAt: new Date(createdAtMs), ...attributes });
      }
    }

    if (batch.length > 0) {
      yield batch;
    }
  }
}
