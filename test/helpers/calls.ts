import type { CallRecord } from "../../src/db/calls.ts";

/** Builds a healthy connected call; override any field. */
export function buildCall(overrides: Partial<CallRecord> = {}): CallRecord {
  return {
    vertical: "healthcare",
    tenantId: null,
    createdAt: new Date("2026-06-01T00:00:00Z"),
    connected: true,
    ok: true,
    firstResponseMs: 400,
    maxSilenceMs: 1000,
    costUsd: 0.1,
    ...overrides,
  };
}

/** Returns `at` moved by a number of hours (negative for earlier). */
export function hoursFrom(at: Date, hours: number): Date {
  return new Date(at.getTime() + hours * 3_600_000);
}
