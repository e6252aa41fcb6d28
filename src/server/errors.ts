import type { ErrorRequestHandler, Response } from "express";
import { describeError, InputError, PolicyError } from "../errors.ts";
import { logger } from "../log.ts";

/** Sends an error body in the form OPA's REST API uses: `{"code": ..., "message": ...}`. */
export function sendError(response: Response, status: number, code: string, message: string): void {
  response.status(status).json({ code, message });
}

/** Turns body-parser failures and thrown errors into JSON error responses with a reason. */
export const errorHandler: ErrorRequestHandler = (error: unknown, request, response, _next) => {
  const type = (error as { type?: string }).type;
  if (type === "entity.too.large") {
    sendError(response, 413, "request_too_large", `request body exceeds the limit of ${(error as { limit?: number }).limit} bytes`);
    return;
  }
  if (type === "entity.parse.failed") {
    sendError(response, 400, "invalid_parameter", `request body is not valid JSON: ${(error as Error).message}`);
    return;
  }
  if (error instanceof InputError) {
    sendError(response, 400, "invalid_parameter", error.message);
    return;
  }
  const status = error instanceof PolicyError ? 503 : 500;
  logger.error({ err: error, path: request.path, reason: describeError(error) }, "request failed");
  sendError(response, status, "internal_error", describeError(error));
};
