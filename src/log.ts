import { pino, type Logger } from "pino";

const prettyOnTerminal = process.stderr.isTTY === true && process.env.LOG_FORMAT !== "json";

/**
 * The process-wide logger, writing to stderr so that CLI output on stdout stays clean.
 * `LOG_LEVEL` sets the level (default `info`). On a terminal the lines are pretty-printed;
 * elsewhere, or with `LOG_FORMAT=json`, they are JSON lines.
 */
export const logger: Logger = pino(
  {
    name: "budgetgate",
    level: process.env.LOG_LEVEL ?? "info",
    redact: {
      paths: [
        "databaseUrl",
        "*.databaseUrl",
        "authorization",
        "*.authorization",
        "req.headers.authorization",
        "req.headers.cookie",
        'res.headers["set-cookie"]',
      ],
      censor: "[redacted]",
    },
    ...(prettyOnTerminal ? { transport: { target: "pino-pretty", options: { destination: 2, ignore: "pid,hostname" } } } : {}),
  },
  prettyOnTerminal ? undefined : pino.destination(2),
);

export type { Logger };
