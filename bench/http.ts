/**
 * Compares POST /v1/data/budgetgate/decision of the budgetgate service with the same request to
 * `opa run --server` loaded with the same Rego and budget data, one server after the other, with
 * autocannon on loopback.
 *
 * Usage: npx tsx bench/http.ts [--connections N,...] [--seconds N] [--warmup N] [--log-level L]
 *                              [--cpu-prof DIR [--cpu-prof-interval US]]
 *   --connections  comma-separated concurrent connection counts of autocannon, one table each
 *                  (default 10,1)
 *   --seconds      measured time per run, in seconds (default 10)
 *   --warmup       unmeasured run before each measured run, in seconds (default 3)
 *   --log-level    LOG_LEVEL of the budgetgate service (default info, the service's default)
 *   --cpu-prof     writes a V8 CPU profile of the budgetgate service into DIR and prints where
 *                  its CPU time went
 *   --cpu-prof-interval  sampling interval of that profile, in microseconds (default 1000, V8's)
 *
 * The service runs as a child process (`node bin/budgetgate.js serve`) over a fresh schema of the
 * test Postgres (TEST_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test), seeded with
 * calls that leave the healthcare quality budget at 20 %: prompt deploys are denied, platform
 * deploys allowed. OPA gets the data.budgetgate document that the service loaded, written as
 * data.json. Both run without TLS or authentication. OPA's decision logging is off (its default),
 * while budgetgate records every decision in Postgres, as it always does.
 *
 * Latency percentiles come from autocannon's per-response times (milliseconds with a fractional
 * part), not from its histogram, which rounds to whole milliseconds. They include the client's own
 * delays, since autocannon runs on the same machine as the servers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import autocannon from "autocannon";
import { loadConfig } from "../src/config/config.ts";
import { insertCalls } from "../src/db/calls.ts";
import { loadPolicyData } from "../src/policy/load-data.ts";
import { buildCall, hoursFrom } from "../test/helpers/calls.ts";
import { createTestPostgres, type TestDatabase } from "../test/helpers/database.ts";
import { POLICY_BUDGETGATE_DIR, freeLoopbackPort, startOpaServer, toolPath, type RunningOpaServer } from "../test/helpers/opa.ts";

/**
 * autocannon's promise form. At run time it also emits `response` with each response time in
 * milliseconds, which @types/autocannon declares only for the callback form.
 */
type AutocannonRun = Promise<autocannon.Result> & {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
};

const CLI_PATH = fileURLToPath(new URL("../bin/budgetgate.js", import.meta.url));
const DECISION_PATH = "/v1/data/budgetgate/decision";
// Once a year, so that no budget computation runs during the measurement.
const RARE_SCHEDULE = "0 0 1 1 *";

interface Scenario {
  name: string;
  body: string;
  expectedAllow: boolean;
}

const SCENARIOS: Scenario[] = [
  {
    name: "denied prompt deploy",
    body: JSON.stringify({ input: { deploy: { type: "prompt", vertical: "healthcare", service: "voice-agent" } } }),
    expectedAllow: false,
  },
  {
    name: "allowed platform deploy",
    body: JSON.stringify({ input: { deploy: { type: "platform", vertical: "healthcare", service: "voice-agent" } } }),
    expectedAllow: true,
  },
];

interface Target {
  name: string;
  baseUrl: string;
}

interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

interface Row {
  connections: number;
  scenario: string;
  target: string;
  load: LoadResult;
}

/** Healthcare calls of the last day: 1000 connected, 40 of them failed (quality SLI 0.96, 20 % remaining), and a cost baseline. */
async function seedCalls(test: TestDatabase): Promise<void> {
  const [clock] = await test.db.query<{ now: Date }>("select now() as now");
  const now = clock!.now;
  const calls = Array.from({ length: 1000 }, (_, index) => buildCall({ createdAt: hoursFrom(now, -1 - index / 100), ok: index >= 40 }));
  calls.push(...Array.from({ length: 100 }, (_, index) => buildCall({ createdAt: hoursFrom(now, -240 - index / 10) })));
  await insertCalls(test.db, calls);
}

async function waitForHealth(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the budgetgate service exited with code ${child.exitCode} before it was ready; see ${logFile}`);
    }
    const ready = await fetch(url).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`the budgetgate service did not return 200 for GET ${url} within ${timeoutMs} ms; see ${logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function postDecision(baseUrl: string, body: string): Promise<{ allow?: boolean } & Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${DECISION_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  if (response.status !== 200) {
    throw new Error(`POST ${baseUrl}${DECISION_PATH} returned ${response.status}: ${await response.text()}`);
  }
  const parsed = (await response.json()) as { result?: { allow?: boolean } & Record<string, unknown> };
  if (parsed.result === undefined) {
    throw new Error(`POST ${baseUrl}${DECISION_PATH} returned no result`);
  }
  return parsed.result;
}

function percentile(sorted: Float64Array, fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** Runs autocannon against one target and fails on any non-2xx response, error or timeout. */
async function runLoad(target: Target, scenario: Scenario, connections: number, seconds: number): Promise<LoadResult> {
  const run = autocannon({
    url: `${target.baseUrl}${DECISION_PATH}`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: scenario.body,
    connections,
    duration: seconds,
    pipelining: 1,
  }) as AutocannonRun;
  const times: number[] = [];
  run.on("response", (_client, _statusCode, _bytes, responseTimeMs) => times.push(responseTimeMs));
  const result = await run;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${target.name}, ${scenario.name}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const sorted = Float64Array.from(times).sort();
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: times.reduce((sum, time) => sum + time, 0) / times.length,
  };
}

/** Sums the self time of a V8 CPU profile by package or source file, and by function. */
async function summarizeProfile(folder: string): Promise<string[]> {
  const files = (await readdir(folder)).filter((name) => name.endsWith(".cpuprofile"));
  if (files.length === 0) {
    return [`no .cpuprofile was written to ${folder}`];
  }
  interface ProfileNode {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }
  const profile = JSON.parse(await readFile(path.join(folder, files[0]!), "utf8")) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busyUs = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    const deltaUs = profile.timeDeltas[index] ?? 0;
    if (node === undefined || node.callFrame.functionName === "(idle)") {
      return;
    }
    busyUs += deltaUs;
    const { functionName, url, lineNumber } = node.callFrame;
    const group = groupOf(functionName, url);
    byGroup.set(group, (byGroup.get(group) ?? 0) + deltaUs);
    const name = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|src)\//, "$1/")}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + deltaUs);
  });
  const top = (totals: Map<string, number>, count: number) =>
    [...totals.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => `| ${name} | ${((100 * us) / busyUs).toFixed(1)} % |`);
  return [
    `CPU profile ${path.join(folder, files[0]!)}: ${(busyUs / 1e6).toFixed(1)} s busy (idle left out)`,
    "",
    "| package or file | share of busy CPU (self time) |",
    "| --- | ---: |",
    ...top(byGroup, 15),
    "",
    "| function | share of busy CPU (self time) |",
    "| --- | ---: |",
    ...top(byFunction, 15),
  ];
}

function groupOf(functionName: string, url: string): string {
  if (url.startsWith("wasm://")) {
    return "Wasm policy module";
  }
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency !== null) {
    return dependency[1]!;
  }
  const source = /\/(src\/.*)$/.exec(url);
  if (source !== null) {
    return source[1]!;
  }
  if (url.startsWith("node:")) {
    return url.split("/")[0] === "node:internal" ? url.replace(/^node:internal\/([^/]+).*$/, "node:internal/$1") : url;
  }
  return functionName.startsWith("(") ? functionName : "(native or builtin)";
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: "string", default: "10,1" },
      seconds: { type: "string", default: "10" },
      warmup: { type: "string", default: "3" },
      "log-level": { type: "string", default: "info" },
      "cpu-prof": { type: "string" },
      "cpu-prof-interval": { type: "string", default: "1000" },
    },
  });
  const connectionCounts = values.connections.split(",").map(Number);
  const seconds = Number(values.seconds);
  const warmup = Number(values.warmup);
  if (connectionCounts.some((count) => !Number.isInteger(count) || count < 1) || !(seconds > 0) || !(warmup >= 0)) {
    throw new Error(
      `--connections must be positive integers separated by commas, --seconds a positive number and --warmup a number of seconds (got ${values.connections}, ${values.seconds} and ${values.warmup})`,
    );
  }
  toolPath("opa");

  const folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-bench-http-"));
  const test = await createTestPostgres();
  let service: ChildProcess | undefined;
  const opaServers: RunningOpaServer[] = [];
  let profileFolder: string | undefined;
  try {
    await seedCalls(test);

    const port = await freeLoopbackPort();
    const logFile = path.join(folder, "service.log");
    const nodeArgs: string[] = [];
    if (values["cpu-prof"] !== undefined) {
      profileFolder = path.resolve(values["cpu-prof"]);
      await mkdir(profileFolder, { recursive: true });
      nodeArgs.push("--cpu-prof", `--cpu-prof-dir=${profileFolder}`, `--cpu-prof-interval=${Number(values["cpu-prof-interval"])}`);
    }
    service = spawn(process.execPath, [...nodeArgs, CLI_PATH, "serve"], {
      env: {
        ...process.env,
        DATABASE_URL: test.url ?? "",
        BUDGETGATE_HOST: "127.0.0.1",
        BUDGETGATE_PORT: String(port),
        BUDGETGATE_COMPUTE_SCHEDULE: RARE_SCHEDULE,
        LOG_LEVEL: values["log-level"],
        LOG_FORMAT: "json",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const logChunks: Buffer[] = [];
    service.stderr?.on("data", (chunk: Buffer) => logChunks.push(chunk));
    const budgetgateUrl = `http://127.0.0.1:${port}`;
    try {
      await waitForHealth(`${budgetgateUrl}/healthz`, service, logFile, 60_000);
    } finally {
      await writeFile(logFile, Buffer.concat(logChunks));
    }

    // OPA gets the budget data that the service loaded: the newest run in the same schema.
    const data = await loadPolicyData(test.db, loadConfig({}));
    const dataFile = path.join(folder, "data.json");
    await writeFile(dataFile, JSON.stringify({ budgetgate: data }));
    opaServers.push(await startOpaServer([POLICY_BUDGETGATE_DIR, dataFile]));
    opaServers.push(await startOpaServer([POLICY_BUDGETGATE_DIR, dataFile], { env: { GOMAXPROCS: "1" } }));
    const targets: Target[] = [
      { name: "budgetgate (Node, 1 event loop)", baseUrl: budgetgateUrl },
      { name: `opa run --server (GOMAXPROCS unset: ${os.cpus().length})`, baseUrl: opaServers[0]!.baseUrl },
      { name: "opa run --server (GOMAXPROCS=1)", baseUrl: opaServers[1]!.baseUrl },
    ];

    // Every server must give the same result before it is measured.
    for (const scenario of SCENARIOS) {
      const results = await Promise.all(targets.map((target) => postDecision(target.baseUrl, scenario.body)));
      for (const [index, result] of results.entries()) {
        if (result.allow !== scenario.expectedAllow) {
          throw new Error(`${scenario.name}: ${targets[index]!.name} returned allow ${result.allow}, expected ${scenario.expectedAllow}`);
        }
        if (!isDeepStrictEqual(result, results[0])) {
          throw new Error(`${scenario.name}: ${targets[index]!.name} returned ${JSON.stringify(result)}, budgetgate ${JSON.stringify(results[0])}`);
        }
      }
    }

    const rows: Row[] = [];
    for (const connections of connectionCounts) {
      for (const scenario of SCENARIOS) {
        for (const target of targets) {
          if (warmup > 0) {
            await runLoad(target, scenario, connections, warmup);
          }
          const load = await runLoad(target, scenario, connections, seconds);
          rows.push({ connections, scenario: scenario.name, target: target.name, load });
          console.error(`${connections} connections, ${scenario.name}, ${target.name}: ${Math.round(load.requestsPerSecond)} requests/s, p99 ${load.p99Ms.toFixed(2)} ms`);
        }
      }
    }

    const load = os.loadavg().map((value) => value.toFixed(2)).join(" ");
    console.log(`\nDecision API over HTTP, ${new Date().toISOString()}, ${os.cpus().length} CPUs, load average ${load}, Node ${process.version}`);
    console.log(`autocannon: pipelining 1, ${warmup} s warm-up then ${seconds} s measured per row; service LOG_LEVEL=${values["log-level"]}\n`);
    console.log("| connections | scenario | server | requests/s | p50 ms | p99 ms | mean ms | requests/s vs opa (GOMAXPROCS unset) |");
    console.log("| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |");
    for (const row of rows) {
      const opaRow = rows.find((other) => other.connections === row.connections && other.scenario === row.scenario && other.target === targets[1]!.name);
      const ratio = opaRow === undefined ? "" : `${(row.load.requestsPerSecond / opaRow.load.requestsPerSecond).toFixed(2)}x`;
      const { requestsPerSecond, p50Ms, p99Ms, meanMs } = row.load;
      console.log(
        `| ${row.connections} | ${row.scenario} | ${row.target} | ${Math.round(requestsPerSecond).toLocaleString("en-US")} | ${p50Ms.toFixed(2)} | ${p99Ms.toFixed(2)} | ${meanMs.toFixed(2)} | ${ratio} |`,
      );
    }
  } finally {
    if (service !== undefined && service.exitCode === null) {
      // SIGINT lets the service flush its decision log and exit, which writes the CPU profile.
      const exited = new Promise((resolve) => service!.once("exit", resolve));
      service.kill("SIGINT");
      await exited;
    }
    await Promise.all(opaServers.map((server) => server.stop()));
    await test.drop();
    await rm(folder, { recursive: true, force: true });
  }
  if (profileFolder !== undefined) {
    console.log("");
    for (const line of await summarizeProfile(profileFolder)) {
      console.log(line);
    }
  }
}

await main();
