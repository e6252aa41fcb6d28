import { X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import type { Express } from "express";
import { createWebhookApp } from "../admission/app.ts";
import { ConfigError, describeError } from "../errors.ts";
import { createProviderApp } from "../gatekeeper/app.ts";
import { logger } from "../log.ts";
import type { BudgetService } from "../service/service.ts";

/**
 * Minimum TLS version of each listener. The API server's webhook client may use TLS 1.2, while
 * Gatekeeper's external data client sets MinVersion TLS 1.3 (open-policy-agent/frameworks,
 * externaldata/request.go), so the provider listener accepts nothing older.
 */
export const WEBHOOK_MIN_TLS_VERSION = "TLSv1.2";
export const PROVIDER_MIN_TLS_VERSION = "TLSv1.3";

export interface TlsListenerOptions {
  host: string;
  certFile: string;
  keyFile: string;
  /** Port of the admission webhook listener, or 0 for a free port. */
  webhookPort: number;
  /** Port of the Gatekeeper provider listener, or 0 for a free port. */
  providerPort: number;
  /** Seconds between checks of the certificate files for changes. */
  reloadSeconds: number;
  admissionBodyLimitBytes: number;
  providerBodyLimitBytes: number;
}

/** A PEM certificate chain and its private key, as read from disk. */
export interface CertificatePair {
  cert: Buffer;
  key: Buffer;
}

/** The two HTTPS listeners and their shared certificate. */
export interface TlsListeners {
  readonly webhook: https.Server;
  readonly provider: https.Server;
  readonly webhookPort: number;
  readonly providerPort: number;
  /** Rereads the certificate and key, and returns true when a changed, valid pair was loaded. */
  reload(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Reads and checks a certificate and key pair. Throws ConfigError when a file is unreadable or the
 * two do not form a usable pair.
 */
export async function readCertificatePair(certFile: string, keyFile: string): Promise<CertificatePair> {
  const cert = await readTlsFile(certFile, "BUDGETGATE_TLS_CERT_FILE");
  const key = await readTlsFile(keyFile, "BUDGETGATE_TLS_KEY_FILE");
  try {
    tls.createSecureContext({ cert, key });
  } catch (error) {
    throw new ConfigError(
      `invalid TLS certificate: ${certFile} and ${keyFile} are not a matching PEM pair (${describeError(error)}). Check BUDGETGATE_TLS_CERT_FILE and BUDGETGATE_TLS_KEY_FILE`,
      { cause: error },
    );
  }
  return { cert, key };
}

/**
 * Starts the admission webhook listener (TLS 1.2 or newer) and the Gatekeeper provider listener
 * (TLS 1.3 only) with one certificate, and rereads the certificate files every `reloadSeconds`,
 * so that a certificate rotated by cert-manager is used without a restart.
 */
export async function startTlsListeners(service: BudgetService, options: TlsListenerOptions): Promise<TlsListeners> {
  let pair = await readCertificatePair(options.certFile, options.keyFile);
  logCertificate("TLS certificate loaded", options.certFile, pair.cert);

  const webhookApp = createWebhookApp(service, options.admissionBodyLimitBytes);
  const providerApp = createProviderApp(service, options.providerBodyLimitBytes);
  const webhook = await listen(webhookApp, pair, WEBHOOK_MIN_TLS_VERSION, options.host, options.webhookPort, "BUDGETGATE_TLS_PORT");
  let provider: https.Server;
  try {
    provider = await listen(providerApp, pair, PROVIDER_MIN_TLS_VERSION, options.host, options.providerPort, "BUDGETGATE_PROVIDER_TLS_PORT");
  } catch (error) {
    webhook.close();
    throw error;
  }
  const webhookPort = (webhook.address() as AddressInfo).port;
  const providerPort = (provider.address() as AddressInfo).port;
  logger.info({ host: options.host, webhookPort, providerPort }, "HTTPS listeners started for the admission webhook and the Gatekeeper provider");

  let reloading: Promise<boolean> | undefined;
  // A broken pair fails every check until it is fixed, so a reason is logged once and then counted.
  let lastFailure: string | undefined;
  let failures = 0;
  const reloadOnce = async (): Promise<boolean> => {
    let next: CertificatePair;
    try {
      next = await readCertificatePair(options.certFile, options.keyFile);
    } catch (error) {
      failures += 1;
      const reason = describeError(error);
      if (reason !== lastFailure) {
        logger.error({ err: error, certFile: options.certFile, reason, failures }, "TLS certificate reload failed, so the current certificate stays in use");
        lastFailure = reason;
      }
      return false;
    }
    lastFailure = undefined;
    if (next.cert.equals(pair.cert) && next.key.equals(pair.key)) {
      return false;
    }
    webhook.setSecureContext({ ...next, minVersion: WEBHOOK_MIN_TLS_VERSION });
    provider.setSecureContext({ ...next, minVersion: PROVIDER_MIN_TLS_VERSION });
    pair = next;
    logCertificate("TLS certificate reloaded", options.certFile, next.cert);
    return true;
  };
  const reload = (): Promise<boolean> => {
    reloading ??= reloadOnce().finally(() => {
      reloading = undefined;
    });
    return reloading;
  };
  const timer = setInterval(() => void reload(), options.reloadSeconds * 1000);
  timer.unref();

  return {
    webhook,
    provider,
    webhookPort,
    providerPort,
    reload,
    async close() {
      clearInterval(timer);
      await Promise.all([closeServer(webhook), closeServer(provider)]);
    },
  };
}

async function readTlsFile(file: string, variable: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new ConfigError(`failed to read ${variable} ${file}: ${describeError(error)}`, { cause: error });
  }
}

async function listen(
  app: Express,
  pair: CertificatePair,
  minVersion: tls.SecureVersion,
  host: string,
  port: number,
  variable: string,
): Promise<https.Server> {
  const server = https.createServer({ ...pair, minVersion }, app);
  await new Promise<void>((resolve, reject) => {
    const onListenError = (error: Error) => {
      reject(new ConfigError(`failed to listen on ${host}:${port} (${variable}): ${describeError(error)}`, { cause: error }));
    };
    server.once("error", onListenError);
    server.listen(port, host, () => {
      server.off("error", onListenError);
      resolve();
    });
  });
  server.on("error", (error) => {
    logger.error({ err: error, variable, reason: describeError(error) }, "HTTPS listener error");
  });
  server.on("tlsClientError", (error) => {
    // Failed handshakes (a TLS 1.2 client on the provider port, an untrusted CA) are the client's
    // problem; debug level keeps scanners from flooding the log.
    logger.debug({ err: error, variable }, "TLS handshake failed");
  });
  return server;
}

function closeServer(server: https.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

function logCertificate(message: string, certFile: string, cert: Buffer): void {
  try {
    const certificate = new X509Certificate(cert);
    logger.info(
      { certFile, subject: certificate.subject, validTo: certificate.validTo, fingerprint256: certificate.fingerprint256 },
      message,
    );
  } catch (error) {
    logger.info({ certFile, reason: describeError(error) }, message);
  }
}
