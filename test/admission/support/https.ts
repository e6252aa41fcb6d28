import https from "node:https";
import type { SecureVersion, TLSSocket } from "node:tls";

export interface HttpsResult {
  status: number;
  /** Parsed JSON body, or the raw text when the body is not JSON. */
  body: any;
  /** Negotiated TLS version, such as "TLSv1.3". */
  protocol: string | null;
  /** SHA-256 fingerprint of the server certificate. */
  fingerprint256: string;
}

export interface HttpsOptions {
  port: number;
  path: string;
  ca: string;
  method?: string;
  body?: unknown;
  contentType?: string;
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
}

/**
 * Sends one request over a new TLS connection to 127.0.0.1 that trusts only `ca`. A string body is
 * sent as is, anything else as JSON.
 */
export function httpsRequest(options: HttpsOptions): Promise<HttpsResult> {
  const payload = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: "127.0.0.1",
        servername: "localhost",
        port: options.port,
        path: options.path,
        method: options.method ?? "POST",
        ca: options.ca,
        agent: false,
        minVersion: options.minVersion,
        maxVersion: options.maxVersion,
        headers: payload === undefined ? {} : { "content-type": options.contentType ?? "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (response) => {
        const socket = response.socket as TLSSocket;
        const protocol = socket.getProtocol();
        const fingerprint256 = socket.getPeerCertificate().fingerprint256;
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // Not JSON: keep the text.
          }
          resolve({ status: response.statusCode ?? 0, body, protocol, fingerprint256 });
        });
      },
    );
    request.on("error", reject);
    request.end(payload);
  });
}
