import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { sendError } from "./errors.ts";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Compares a presented token with the expected one in constant time. */
export function tokenMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Returns whether the request carries `Authorization: Bearer <expected>`. */
export function hasBearerToken(request: Request, expected: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(request.get("authorization") ?? "");
  return match?.[1] !== undefined && tokenMatches(match[1].trim(), expected);
}

/**
 * Requires `Authorization: Bearer <token>` when `token` is set; lets every request through when
 * it is undefined. Otherwise responds 401 with a WWW-Authenticate header.
 */
export function requireBearer(token: string | undefined, realm: string): RequestHandler {
  return (request, response, next) => {
    if (token === undefined) {
      next();
      return;
    }
    if (!hasBearerToken(request, token)) {
      response.set("WWW-Authenticate", `Bearer realm="${realm}"`);
      sendError(response, 401, "unauthorized", "missing or invalid bearer token");
      return;
    }
    next();
  };
}
