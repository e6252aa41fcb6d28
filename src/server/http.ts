import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Express } from "express";
import { describeError } from "../errors.ts";
import { logger } from "../log.ts";
import type { BudgetService } from "../service/service.ts";
import { answerDecisionRequest, type DecisionAnswer } from "./decision-request.ts";

const DECISION_PATH = "/v1/data/budgetgate/decision";

function send(response: ServerResponse, answer: DecisionAnswer): void {
  const payload = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
  });
  response.end(payload);
}

function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer | "too_large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    request.on("end", () => resolve(tooLarge ? "too_large" : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

async function handleDecision(service: BudgetService, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const limit = service.config.bodyLimitBytes;
  const body = await readBody(request, limit);
  if (body === "too_large") {
    send(response, { status: 413, body: { code: "request_too_large", message: `request body exceeds the limit of ${limit} bytes` } });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    send(response, { status: 400, body: { code: "invalid_parameter", message: `request body is not valid JSON: ${(error as Error).message}` } });
    return;
  }
  send(response, answerDecisionRequest(service, parsed));
}

/**
 * Creates the HTTP server. Plain JSON decision requests skip Express and its middleware, which
 * more than doubled the decisions served per second in bench/http.ts. Every other request goes to
 * the Express app, and so do decision requests with a query string or a compressed body.
 */
export function createHttpServer(service: BudgetService, app: Express): Server {
  return createServer((request, response) => {
    const plainDecision =
      request.method === "POST" && request.url === DECISION_PATH && request.headers["content-encoding"] === undefined;
    if (!plainDecision) {
      app(request, response);
      return;
    }
    handleDecision(service, request, response).catch((error: unknown) => {
      logger.error({ err: error, path: DECISION_PATH, reason: describeError(error) }, "decision request failed");
      if (!response.headersSent) {
        send(response, { status: 503, body: { code: "internal_error", message: describeError(error) } });
      } else {
        response.destroy();
      }
    });
  });
}

/** Starts the HTTP server on host and port (0 picks a free port). */
export function listenHttp(service: BudgetService, app: Express, host: string, port: number): Promise<Server> {
  const server = createHttpServer(service, app);
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
