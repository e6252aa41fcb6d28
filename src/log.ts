import { pino, type Logger } from "pino";

/**
 * The process-wide logger. JSON lines on stderr, so CLI output on stdout stays clean.
 * `LOG_LEVEL` sets the level (default `info`).
 */
export const logger: Logger = pino(
  {
    name: "budgetgate",
    level: process.env.LOG_LEVEL ?? "info",
    redact: { paths: ["databaseUrl", "*.databaseUrl", "authorization", "*.authorization"], censor: "[redacted]" },
  },
  pino.destination(2),
);

export type { Logger };
