/**
 * Call volume of the demo verticals: how many calls arrive per minute at a given instant.
 *
 * Each vertical has a fixed UTC offset (no daylight saving time), a shape over the local hours
 * of the day and a factor per local weekday. The rate is scaled so that one week contains
 * `CALLS_PER_WEEK_AT_SCALE_1 * callShare` calls on average at scale 1.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
const WEEK_MINUTES = 7 * 24 * 60;

/** Average calls per week, over all verticals, at scale 1: 1,000,000 calls in 21 days. */
export const CALLS_PER_WEEK_AT_SCALE_1 = 1_000_000 / 3;

/** A tenant and its share of the vertical's calls. A null id marks calls that no tenant claimed. */
export interface TenantShare {
  tenantId: string | null;
  share: number;
}

export interface TrafficProfile {
  vertical: string;
  /** Local time = UTC + this many hours, all year. */
  utcOffsetHours: number;
  /** Share of all demo calls. The shares of all profiles sum to 1. */
  callShare: number;
  /** Relative call rate for each local hour 0..23, where 1 is the busiest hour. */
  hourlyShape: readonly number[];
  /** Relative call volume for each local weekday, Sunday first. */
  weekdayFactors: readonly number[];
  /** Tenants of the vertical. Their shares sum to 1. */
  tenants: readonly TenantShare[];
}

export const TRAFFIC_PROFILES: readonly TrafficProfile[] = [
  {
    vertical: "healthcare",
    utcOffsetHours: -6,
    callShare: 0.46,
    // Clinics open 8:00-17:00 with a lunch dip. The AI agent also takes after-hours calls.
    hourlyShape: [
      0.03, 0.02, 0.02, 0.02, 0.03, 0.05, 0.1, 0.35, 0.8, 1.0, 1.0, 0.95, 0.75, 0.9, 0.95, 0.9, 0.75, 0.45, 0.2,
      0.12, 0.08, 0.06, 0.05, 0.04,
    ],
    weekdayFactors: [0.2, 1.0, 1.0, 1.0, 1.0, 0.95, 0.35],
    tenants: [
      { tenantId: "hc-northside-clinic", share: 0.27 },
      { tenantId: "hc-lakeview-dental", share: 0.18 },
      { tenantId: "hc-riverbend-pediatrics", share: 0.16 },
      { tenantId: "hc-summit-orthopedics", share: 0.14 },
      { tenantId: "hc-cedar-family-medicine", share: 0.13 },
      { tenantId: "hc-harbor-urgent-care", share: 0.11 },
      { tenantId: null, share: 0.01 },
    ],
  },
  {
    vertical: "real_estate",
    utcOffsetHours: -8,
    callShare: 0.3,
    // Agents work late afternoons and evenings, when buyers call after work.
    hourlyShape: [
      0.03, 0.02, 0.02, 0.02, 0.02, 0.03, 0.05, 0.1, 0.3, 0.6, 0.85, 0.95, 0.9, 0.95, 1.0, 0.95, 0.9, 0.8, 0.65,
      0.45, 0.3, 0.18, 0.08, 0.04,
    ],
    weekdayFactors: [0.55, 0.95, 1.0, 1.0, 1.0, 1.0, 0.85],
    tenants: [
      { tenantId: "re-golden-gate-realty", share: 0.31 },
      { tenantId: "re-coastline-homes", share: 0.24 },
      { tenantId: "re-valley-property-group", share: 0.2 },
      { tenantId: "re-harborview-rentals", share: 0.14 },
      { tenantId: "re-pinecrest-brokers", share: 0.1 },
      { tenantId: null, share: 0.01 },
    ],
  },
  {
    vertical: "salon",
    utcOffsetHours: -5,
    callShare: 0.24,
    // Bookings peak late morning and after work. Many salons close on Sunday and Monday.
    hourlyShape: [
      0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.03, 0.06, 0.25, 0.6, 0.9, 1.0, 0.95, 0.9, 0.9, 0.95, 1.0, 0.9, 0.7,
      0.45, 0.25, 0.12, 0.05, 0.03,
    ],
    weekdayFactors: [0.3, 0.55, 1.0, 1.0, 1.0, 1.15, 1.5],
    tenants: [
      { tenantId: "sl-bella-hair-studio", share: 0.3 },
      { tenantId: "sl-uptown-barbers", share: 0.25 },
      { tenantId: "sl-glow-nail-spa", share: 0.2 },
      { tenantId: "sl-mane-street-salon", share: 0.15 },
      { tenantId: "sl-serenity-day-spa", share: 0.09 },
      { tenantId: null, share: 0.01 },
    ],
  },
];

/** Returns the local weekday (0 = Sunday) of a local day index counted from 1970-01-01, a Thursday. */
export function weekdayOfLocalDay(localDayIndex: number): number {
  return (((localDayIndex + 4) % 7) + 7) % 7;
}

/** Call rate of one vertical over time, precomputed from its profile. */
export class TrafficModel {
  readonly profile: TrafficProfile;
  private readonly offsetMs: number;
  private readonly peakFactor: number;
  /** Mean calls per minute at scale 1 when the relative rate is 1. */
  private readonly peakCallsPerMinute: number;

  constructor(profile: TrafficProfile) {
    this.profile = profile;
    this.offsetMs = profile.utcOffsetHours * HOUR_MS;
    this.peakFactor = Math.max(...profile.weekdayFactors) * Math.max(...profile.hourlyShape);

    // Sum the relative rate over one local week, starting on a local Sunday midnight
    // (1970-01-04 was a Sunday).
    const weekStartMs = 3 * DAY_MS - this.offsetMs;
    let weeklyRelativeMinutes = 0;
    for (let minute = 0; minute < WEEK_MINUTES; minute += 1) {
      weeklyRelativeMinutes += this.relativeRate(weekStartMs + minute * MINUTE_MS + MINUTE_MS / 2);
    }
    this.peakCallsPerMinute = (CALLS_PER_WEEK_AT_SCALE_1 * profile.callShare) / weeklyRelativeMinutes;
  }

  /**
   * Returns the call rate at `timeMs` relative to the vertical's busiest hour, in [0, 1].
   * The hourly shape is interpolated linearly between the middles of the hours.
   */
  relativeRate(timeMs: number): number {
    const localMs = timeMs + this.offsetMs;
    const localDay = Math.floor(localMs / DAY_MS);
    const hourOfDay = (localMs - localDay * DAY_MS) / HOUR_MS;

    const position = hourOfDay - 0.5;
    const lowerHour = Math.floor(position);
    const fraction = position - lowerHour;
    const shape = this.profile.hourlyShape;
    const lower = shape[(lowerHour + 24) % 24] ?? 0;
    const upper = shape[(lowerHour + 1) % 24] ?? 0;
    const weekdayFactor = this.profile.weekdayFactors[weekdayOfLocalDay(localDay)] ?? 0;

    return ((lower + (upper - lower) * fraction) * weekdayFactor) / this.peakFactor;
  }

  /** Returns the mean number of calls per minute at `timeMs` for the given volume scale. */
  callsPerMinute(timeMs: number, scale: number): number {
    return this.relativeRate(timeMs) * this.peakCallsPerMinute * scale;
  }

  /** Returns the start, in UTC milliseconds, of the local day `daysBefore` days before the local date of `endMs`. */
  localDayStartMs(endMs: number, daysBefore: number): number {
    const localDay = Math.floor((endMs + this.offsetMs) / DAY_MS) - daysBefore;
    return localDay * DAY_MS - this.offsetMs;
  }

  /** Returns the local weekday (0 = Sunday) at `timeMs`. */
  localWeekday(timeMs: number): number {
    return weekdayOfLocalDay(Math.floor((timeMs + this.offsetMs) / DAY_MS));
  }
}
