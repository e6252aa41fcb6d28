import type { RequestHandler } from "express";
import { logger } from "../log.ts";

/**
 * Logs each finished request of the HTTPS listeners with its status and duration: 5xx at error,
 * 4xx at warn and the rest at debug. It replaces pino-http on these listeners, because pino-http,
 * pino and its redaction took about 10 % of the webhook's CPU time in a V8 profile of
 * bench/admission.ts at about 900 reviews per second.
 */
export function requestLog(listener: string): RequestHandler {
  return (request, response, next) => {
    const start = process.hrtime.bigint();
    response.once("finish", () => {
      const status = response.statusCode;
      const level = levelFor(status);
      if (!logger.isLevelEnabled(level)) {
        return;
      }
      const durationMs = Number(process.hrtime.bigint() - start) / 1e6;
      const fields = { listener, method: request.method, path: request.path, status, durationMs, remoteAddress: request.socket.remoteAddress };
      logger[level](fields, "request completed");
    });
    next();
  };
}

function levelFor(status: number): "error" | "warn" | "debug" {
  if (status >= 500) {
    return "error";
  }
  if (status >= 400) {
    return "warn";
  }
  return "debug";
}
