import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: any;
}

export interface ScriptedResponse {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A local webhook receiver that records every request and sends scripted responses. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  baseUrl: string;
  requests: ReceivedRequest[];
  /** Requests whose path is `path`, in arrival order. */
  requestsTo(path: string): ReceivedRequest[];
  /** Queues responses for `path`. Each request takes the next one, and the default response follows once they run out. */
  respond(path: string, ...responses: ScriptedResponse[]): void;
  close(): Promise<void>;
}

/** Response to a path without scripted responses: 202 with PagerDuty's body for /v2/enqueue, and 200 `ok` (as Slack sends) elsewhere. */
function defaultResponse(path: string): ScriptedResponse {
  if (path.endsWith("/v2/enqueue")) {
    return { status: 202, body: JSON.stringify({ status: "success", message: "Event processed" }), headers: { "content-type": "application/json" } };
  }
  return { status: 200, body: "ok", headers: { "content-type": "text/plain" } };
}

/** Starts a receiver on 127.0.0.1 with a port chosen by the system. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, ScriptedResponse[]>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Keep the raw text, so a test can assert that the body was not JSON.
      }
      requests.push({ method: request.method ?? "", path, contentType: request.headers["content-type"], body });
      const scripted = scripts.get(path)?.shift() ?? defaultResponse(path);
      response.writeHead(scripted.status, scripted.headers ?? {});
      response.end(scripted.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    respond(path, ...responses) {
      scripts.set(path, [...(scripts.get(path) ?? []), ...responses]);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Returns a loopback URL on which nothing listens: a port that was just released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
