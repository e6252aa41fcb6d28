import { describe, expect, it } from "vitest";
import { DAY_MS, HOUR_MS, MINUTE_MS, parseDuration, formatDuration } from "../../src/budgets/durations.ts";
import { disjointSlabs, planRangeReads, splitByHour, splitRange } from "../../src/budgets/ranges.ts";

const T = Date.parse("2026-06-01T00:00:00Z");

describe("splitRange", () => {
  it("splits into edge minutes and whole hours", () => {
    const range = { start: T + 10 * MINUTE_MS + 30_000, end: T + 5 * HOUR_MS + 20 * MINUTE_MS };
    expect(splitRange(range)).toEqual({
      minutes: [
        { start: range.start, end: T + HOUR_MS },
        { start: T + 5 * HOUR_MS, end: range.end },
      ],
      hours: [{ start: T + HOUR_MS, end: T + 5 * HOUR_MS }],
      days: null,
    });
  });

  it("uses whole days inside long range", () => {
    // From 22:30 on day -3 to 01:15 on day 0: days -2 and -1 whole, the hours and minutes around them.
    const range = { start: T - 2 * DAY_MS - 90 * MINUTE_MS, end: T + 75 * MINUTE_MS };
    expect(splitRange(range)).toEqual({
      minutes: [
        { start: range.start, end: T - 2 * DAY_MS - HOUR_MS },
        { start: T + HOUR_MS, end: range.end },
      ],
      hours: [
        { start: T - 2 * DAY_MS - HOUR_MS, end: T - 2 * DAY_MS },
        { start: T, end: T + HOUR_MS },
      ],
      days: { start: T - 2 * DAY_MS, end: T },
    });
  });

  it("keeps range within one hour in minutes", () => {
    const range = { start: T + 5 * MINUTE_MS, end: T + 35 * MINUTE_MS };
    expect(splitRange(range)).toEqual({ minutes: [range], hours: [], days: null });
  });

  it("uses hours alone for aligned range", () => {
    expect(splitRange({ start: T, end: T + 3 * HOUR_MS })).toEqual({ minutes: [], hours: [{ start: T, end: T + 3 * HOUR_MS }], days: null });
  });

  it("handles range across one hour boundary", () => {
    const range = { start: T - 10 * MINUTE_MS, end: T + 10 * MINUTE_MS };
    expect(splitRange(range)).toEqual({ minutes: [range], hours: [], days: null });
  });
});

describe("splitByHour", () => {
  it("never uses days", () => {
    const range = { start: T - 2 * DAY_MS - 90 * MINUTE_MS, end: T + 75 * MINUTE_MS };
    expect(splitByHour(range)).toEqual({
      minutes: [
        { start: range.start, end: T - 2 * DAY_MS - HOUR_MS },
        { start: T + HOUR_MS, end: range.end },
      ],
      hours: { start: T - 2 * DAY_MS - HOUR_MS, end: T + HOUR_MS },
    });
  });
});

describe("disjointSlabs", () => {
  it("cuts nested ranges once each", () => {
    const slabs = disjointSlabs([
      { key: "week", range: { start: 0, end: 70 } },
      { key: "day", range: { start: 60, end: 70 } },
      { key: "baseline", range: { start: -140, end: 0 } },
    ]);
    expect(slabs).toEqual([
      { start: -140, end: 0, keys: ["baseline"] },
      { start: 0, end: 60, keys: ["week"] },
      { start: 60, end: 70, keys: ["week", "day"] },
    ]);
  });
});

describe("durations", () => {
  it.each([
    { text: "5m", ms: 5 * MINUTE_MS },
    { text: "36h", ms: 36 * HOUR_MS },
    { text: "7d", ms: 7 * 24 * HOUR_MS },
    { text: "2w", ms: 14 * 24 * HOUR_MS },
  ])("parses $text", ({ text, ms }) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "7", "1M", "1.5d", "-1d", "0d", "7 days"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it("formats in days at most", () => {
    expect(formatDuration(14 * 24 * HOUR_MS)).toBe("14d");
    expect(formatDuration(90 * MINUTE_MS)).toBe("90m");
  });
});

describe("planRangeReads", () => {
  it("reads long edge as hour less rest", () => {
    // 45 minutes past the hour: [T + 3 h, T + 3 h 45 min) becomes hour T + 3 h less its last 15 minutes.
    const end = T + 3 * HOUR_MS + 45 * MINUTE_MS;
    const plan = planRangeReads([{ key: "window", start: T, end }]);
    expect(plan.addedMinutes).toEqual([]);
    expect(plan.subtractedMinutes).toEqual([{ start: end, end: T + 4 * HOUR_MS, keys: ["window"] }]);
    expect(plan.hours).toEqual([
      { start: T, end: T + 3 * HOUR_MS, keys: ["window"] },
      { start: T + 3 * HOUR_MS, end: T + 4 * HOUR_MS, keys: ["window"] },
    ]);
    expect(plan.days).toEqual([]);
  });

  it("reads short edge as minutes", () => {
    const end = T + 3 * HOUR_MS + 15 * MINUTE_MS;
    const plan = planRangeReads([{ key: "window", start: T, end }]);
    expect(plan.addedMinutes).toEqual([{ start: T + 3 * HOUR_MS, end, keys: ["window"] }]);
    expect(plan.subtractedMinutes).toEqual([]);
    expect(plan.hours).toEqual([{ start: T, end: T + 3 * HOUR_MS, keys: ["window"] }]);
  });

  it("shares slabs between ranges", () => {
    const end = T + 2 * DAY_MS + 10 * MINUTE_MS;
    const plan = planRangeReads([
      { key: "long", start: end - 2 * DAY_MS, end },
      { key: "short", start: end - 5 * MINUTE_MS, end },
    ]);
    // The long range's first 50 minutes are read as hour T less its first 10 minutes.
    expect(plan.addedMinutes).toEqual([
      { start: T + 2 * DAY_MS, end: end - 5 * MINUTE_MS, keys: ["long"] },
      { start: end - 5 * MINUTE_MS, end, keys: ["long", "short"] },
    ]);
    expect(plan.subtractedMinutes).toEqual([{ start: T, end: T + 10 * MINUTE_MS, keys: ["long"] }]);
    expect(plan.hours).toEqual([
      { start: T, end: T + HOUR_MS, keys: ["long"] },
      { start: T + HOUR_MS, end: T + DAY_MS, keys: ["long"] },
    ]);
    expect(plan.days).toEqual([{ start: T + DAY_MS, end: T + 2 * DAY_MS, keys: ["long"] }]);
  });
});
