/**
 * Measures the admission webhook (POST /admission/validate over HTTPS) on loopback: once at a
 * fixed rate and once at the highest rate the server sustains, for a denied and an allowed deploy.
 *
 * Usage: npx tsx bench/admission.ts [--rate N] [--seconds N] [--warmup N] [--connections N]
 *   --rate         requests per second of the fixed-rate run (default 1000)
 *   --seconds      measured time per run, in seconds (default 10)
 *   --warmup       unmeasured run at full speed before the measured runs of a scenario, in seconds (default 3)
 *   --connections  concurrent TLS connections of the maximum-rate run (default 10)
 *
 * The fixed-rate run is open-loop: a request is due every 1/rate seconds whether or not earlier
 * ones have returned, sent over keep-alive connections of node:https, and its latency counts from
 * the time it was due. autocannon's own rate option is not used for it, because it sends each
 * connection's quota for a second as fast as it can and then pauses, which measures bursts. The
 * maximum-rate run is autocannon with `--connections` requests always in flight.
 *
 * The service runs as a child process (`node bin/budgetgate.js serve`) with a certificate made by
 * the openssl CLI. It uses a fresh schema of the test Postgres (TEST_DATABASE_URL, default
 * postgresql://postgres@127.0.0.1:5432/test), seeded so that the healthcare quality budget keeps
 * 20 %: the prompt deploy is denied and the platform deploy allowed. The Wasm engine decides every
 * review and the decision log records it, as in production. LOG_LEVEL is info.
 *
 * Latencies have sub-millisecond resolution and include the client's own delays, since the client
 * runs on the same cores as the server. The server's CPU time per request (user plus system time
 * of the service process from /proc, Linux only) depends far less on other processes on the
 * machine than latency does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import https from "node:https";
import { createRequire } from "node:module";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createTestCertificates, type TestCertificates } from "../test/admission/support/certificates.ts";
import { httpsRequest } from "../test/admission/support/https.ts";
import { seedQualityCalls } from "../test/admission/support/service.ts";
import { createTestPostgres, type TestDatabase } from "../test/helpers/database.ts";
import { freeLoopbackPort } from "../test/helpers/opa.ts";

/** The part of autocannon's options and result that this benchmark uses (autocannon 9 ships no types). */
interface AutocannonOptions {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  connections: number;
  duration: number;
  tlsOptions: { ca: string; servername: string };
}

interface AutocannonResult {
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

type AutocannonRun = Promise<AutocannonResult> & {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
};

const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as (options: AutocannonOptions) => AutocannonRun;

const CLI_PATH = fileURLToPath(new URL("../bin/budgetgate.js", import.meta.url));
const ADMISSION_PATH = "/admission/validate";
// Keep-alive connections of the fixed-rate run. A request that finds all of them busy waits for one.
const FIXED_RATE_SOCKETS = 32;
// Once a year, so that no budget computation runs during the measurement.
const RARE_SCHEDULE = "0 0 1 1 *";

interface Scenario {
  name: string;
  body: string;
  expectedAllow: boolean;
}

interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server CPU time per request in microseconds, or NaN where /proc is missing. */
  serverCpuUs: number;
}

/** Returns the user plus system CPU time of a process in milliseconds, from /proc, or NaN. */
function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses: utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    // Linux reports clock ticks of 1/100 s (USER_HZ) on every common architecture.
    return ticks * 10;
  } catch {
    return Number.NaN;
  }
}

interface Row {
  scenario: string;
  mode: string;
  load: LoadResult;
}

/** Serializes the Deployment AdmissionReview fixture with budgetgate labels added. */
function reviewBody(deployType: string): string {
  const fixture = new URL("../test/fixtures/admission/admissionreview-v1-create-deployment.json", import.meta.url);
  const review = JSON.parse(readFileSync(fixture, "utf8"));
  Object.assign(review.request.object.metadata.labels, { "budgetgate.dev/deploy-type": deployType, "budgetgate.dev/vertical": "healthcare" });
  return JSON.stringify(review);
}

const SCENARIOS: Scenario[] = [
  { name: "denied prompt deploy", body: reviewBody("prompt"), expectedAllow: false },
  { name: "allowed platform deploy", body: reviewBody("platform"), expectedAllow: true },
];

function percentile(sorted: Float64Array, fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

async function waitForHealth(port: number, ca: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the budgetgate service exited with code ${child.exitCode} before it was ready:\n${log()}`);
    }
    const ready = await httpsRequest({ port, path: "/healthz", method: "GET", ca }).then(
      (result) => result.status === 200,
      () => false,
    );
    if (ready) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`the webhook listener did not return 200 for /healthz within ${timeoutMs} ms:\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function summarize(times: number[], requests: number, seconds: number, cpuMs: number): LoadResult {
  const sorted = Float64Array.from(times).sort();
  return {
    requestsPerSecond: requests / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    serverCpuUs: (cpuMs * 1000) / requests,
  };
}

/** Sends one review over `agent` and resolves with the HTTP status once the body has arrived. */
function postReview(agent: https.Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: "127.0.0.1",
        port,
        path: ADMISSION_PATH,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

/**
 * Sends `rate` requests per second for `seconds`, open-loop, and fails on any non-200 response.
 * Each latency counts from the moment its request was due, so a server that falls behind shows it.
 */
async function runFixedRate(
  servicePid: number | undefined,
  port: number,
  certificates: TestCertificates,
  scenario: Scenario,
  seconds: number,
  rate: number,
): Promise<LoadResult> {
  // Connections are opened before the clock starts, because a TLS handshake costs far more than a
  // review and a burst of them would be measured as the server falling behind.
  const agent = new https.Agent({ keepAlive: true, maxSockets: FIXED_RATE_SOCKETS, ca: certificates.ca, servername: "localhost" });
  await Promise.all(Array.from({ length: FIXED_RATE_SOCKETS }, () => postReview(agent, port, scenario.body)));

  const total = Math.round(rate * seconds);
  const intervalMs = 1000 / rate;
  const times: number[] = [];
  const pending: Promise<void>[] = [];
  let failures = 0;

  const cpuBefore = processCpuMs(servicePid);
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
    for (; sent < due; sent += 1) {
      const dueAt = start + sent * intervalMs;
      pending.push(
        postReview(agent, port, scenario.body).then(
          (status) => {
            times.push(performance.now() - dueAt);
            if (status !== 200) {
              failures += 1;
            }
          },
          () => {
            failures += 1;
          },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);

  const elapsedSeconds = (performance.now() - start) / 1000;
  const cpuAfter = processCpuMs(servicePid);
  agent.destroy();
  if (failures > 0) {
    throw new Error(`${scenario.name}: ${failures} of ${total} requests failed or did not return 200`);
  }
  return summarize(times, total, elapsedSeconds, cpuAfter - cpuBefore);
}

/** Runs autocannon with `connections` requests in flight and fails on any non-2xx response, error or timeout. */
async function runMaximum(
  servicePid: number | undefined,
  port: number,
  certificates: TestCertificates,
  scenario: Scenario,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const run = autocannon({
    url: `https://127.0.0.1:${port}${ADMISSION_PATH}`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: scenario.body,
    connections,
    duration: seconds,
    tlsOptions: { ca: certificates.ca, servername: "localhost" },
  });
  const times: number[] = [];
  run.on("response", (_client, _statusCode, _bytes, responseTimeMs) => times.push(responseTimeMs));
  const cpuBefore = processCpuMs(servicePid);
  const result = await run;
  const cpuAfter = processCpuMs(servicePid);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${scenario.name}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return summarize(times, result.requests.total, result.duration, cpuAfter - cpuBefore);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: "string", default: "1000" },
      seconds: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      connections: { type: "string", default: "10" },
    },
  });
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  if (!(rate > 0) || !(seconds > 0) || !(warmup >= 0) || !Number.isInteger(connections) || connections < 1) {
    throw new Error(
      `--rate and --seconds must be positive numbers, --warmup a number of seconds and --connections a positive integer (got ${values.rate}, ${values.seconds}, ${values.warmup} and ${values.connections})`,
    );
  }

  const startLoad = os.loadavg().map((value) => value.toFixed(2)).join(", ");
  const certificates = await createTestCertificates("budgetgate-bench");
  const test: TestDatabase = await createTestPostgres();
  let service: ChildProcess | undefined;
  const logChunks: Buffer[] = [];
  const log = () => Buffer.concat(logChunks).toString("utf8").slice(-4000);
  try {
    await seedQualityCalls(test.db);
    const [httpPort, webhookPort, providerPort] = [await freeLoopbackPort(), await freeLoopbackPort(), await freeLoopbackPort()];
    service = spawn(process.execPath, [CLI_PATH, "serve"], {
      env: {
        ...process.env,
        DATABASE_URL: test.url ?? "",
        BUDGETGATE_HOST: "127.0.0.1",
        BUDGETGATE_PORT: String(httpPort),
        BUDGETGATE_TLS_PORT: String(webhookPort),
        BUDGETGATE_PROVIDER_TLS_PORT: String(providerPort),
        BUDGETGATE_TLS_CERT_FILE: certificates.certFile,
        BUDGETGATE_TLS_KEY_FILE: certificates.keyFile,
        BUDGETGATE_COMPUTE_SCHEDULE: RARE_SCHEDULE,
        LOG_LEVEL: "info",
        LOG_FORMAT: "json",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    service.stderr?.on("data", (chunk: Buffer) => logChunks.push(chunk));
    await waitForHealth(webhookPort!, certificates.ca, service, log, 60_000);

    // Each scenario must get its expected verdict before it is measured.
    for (const scenario of SCENARIOS) {
      const result = await httpsRequest({ port: webhookPort!, path: ADMISSION_PATH, ca: certificates.ca, body: scenario.body });
      if (result.status !== 200 || result.body?.response?.allowed !== scenario.expectedAllow) {
        throw new Error(`${scenario.name}: expected allowed ${scenario.expectedAllow}, got ${result.status} ${JSON.stringify(result.body)}`);
      }
    }

    const rows: Row[] = [];
    for (const scenario of SCENARIOS) {
      if (warmup > 0) {
        await runMaximum(service.pid, webhookPort!, certificates, scenario, connections, warmup);
      }
      const fixed = await runFixedRate(service.pid, webhookPort!, certificates, scenario, seconds, rate);
      rows.push({ scenario: scenario.name, mode: `fixed ${rate} requests/s, open-loop`, load: fixed });
      const maximum = await runMaximum(service.pid, webhookPort!, certificates, scenario, connections, seconds);
      rows.push({ scenario: scenario.name, mode: `maximum, ${connections} connections`, load: maximum });
      for (const row of rows.slice(-2)) {
        console.error(`${row.scenario}, ${row.mode}: ${Math.round(row.load.requestsPerSecond)} requests/s, p99 ${row.load.p99Ms.toFixed(2)} ms`);
      }
    }

    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    // Other processes on the machine skew the numbers, so the load average is part of the record.
    const load = os.loadavg().map((value) => value.toFixed(2)).join(", ");
    console.log(`\nAdmission webhook over HTTPS, ${new Date().toISOString()}, ${os.cpus().length} x ${cpu}, Node ${process.version}`);
    console.log(`load average at the end (1, 5, 15 min): ${load}; at the start: ${startLoad}`);
    console.log(`${warmup} s warm-up per scenario, ${seconds} s measured per row; maximum rate with autocannon, pipelining 1\n`);
    console.log("| scenario | load | requests/s | p50 ms | p99 ms | max ms | server CPU µs/request |");
    console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (const row of rows) {
      const { requestsPerSecond, p50Ms, p99Ms, maxMs, serverCpuUs } = row.load;
      console.log(
        `| ${row.scenario} | ${row.mode} | ${Math.round(requestsPerSecond).toLocaleString("en-US")} | ${p50Ms.toFixed(2)} | ${p99Ms.toFixed(2)} | ${maxMs.toFixed(2)} | ${Math.round(serverCpuUs)} |`,
      );
    }
  } finally {
    if (service !== undefined && service.exitCode === null) {
      const exited = new Promise((resolve) => service!.once("exit", resolve));
      service.kill("SIGINT");
      await exited;
    }
    await test.drop();
    await certificates.remove();
  }
}

await main();
