/**
 * Compares the in-process Wasm decision (PolicyEngine.decide) with OPA's native evaluation of the
 * same Rego (`opa bench`), on the same budget data and input, in one run.
 *
 * Usage: npx tsx bench/policy.ts [--seconds N] [--rounds N]
 *   --seconds  measured time of each Wasm run, in seconds (default 5)
 *   --rounds   Wasm runs and `opa bench --count` per scenario (default 3)
 *
 * opa bench runs Go's benchmark loop for about 1 s per count. Its mean is T/N of that loop, and
 * its p50 and p99 come from OPA's rego_query_eval timer histogram. The Wasm figures time each
 * PolicyEngine.decide call: JSON in, Wasm evaluation, JSON out and the zod check of the result.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PolicyEngine } from "../src/policy/engine.ts";
import { POLICY_BUDGETGATE_DIR, opaEvalValue, runTool, toolPath } from "../test/helpers/opa.ts";
import { buildBudget, buildPolicyData } from "../test/helpers/policy-data.ts";

interface Scenario {
  name: string;
  input: unknown;
  expectedAllow: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: "denied prompt deploy", input: { deploy: { type: "prompt", vertical: "healthcare", service: "voice-agent" } }, expectedAllow: false },
  { name: "allowed platform deploy", input: { deploy: { type: "platform", vertical: "healthcare", service: "voice-agent" } }, expectedAllow: true },
];

interface Measurement {
  engine: string;
  decisions: number;
  seconds: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  const index = Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Calls decide in a loop for `seconds`, timing every call with the monotonic clock. */
function measureWasm(engine: PolicyEngine, input: unknown, seconds: number): Measurement {
  const samples: number[] = [];
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    const before = process.hrtime.bigint();
    engine.decide(input);
    now = process.hrtime.bigint();
    samples.push(Number(now - before));
  }
  const elapsedSeconds = Number(now - start) / 1e9;
  const sorted = Float64Array.from(samples).sort();
  return {
    engine: "budgetgate Wasm (in-process)",
    decisions: samples.length,
    seconds: elapsedSeconds,
    p50Us: percentile(sorted, 0.5) / 1000,
    p99Us: percentile(sorted, 0.99) / 1000,
    meanUs: (elapsedSeconds * 1e6) / samples.length,
  };
}

interface OpaBenchResult {
  N: number;
  T: number;
  Extra?: Record<string, number>;
}

/** Runs `opa bench --count rounds` and sums its rounds; p50 and p99 are the medians over rounds. */
async function measureOpa(dataFile: string, inputFile: string, rounds: number): Promise<Measurement> {
  const args = ["bench", "--format", "json", "--count", String(rounds), "--ignore", "*_test.rego"];
  args.push("--data", POLICY_BUDGETGATE_DIR, "--data", dataFile, "--input", inputFile, "data.budgetgate.decision");
  const run = await runTool("opa", args);
  if (run.code !== 0) {
    throw new Error(`opa bench failed with code ${run.code}: ${run.stderr}${run.stdout}`);
  }
  // With --count above 1, opa bench prints one JSON object per round, one after the other.
  const results = JSON.parse(`[${run.stdout.trim().replace(/\}\s*\{/g, "},{")}]`) as OpaBenchResult[];
  const decisions = results.reduce((sum, result) => sum + result.N, 0);
  const totalNs = results.reduce((sum, result) => sum + result.T, 0);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const timer = (key: string) => median(results.map((result) => result.Extra?.[`histogram_timer_rego_query_eval_ns_${key}`] ?? Number.NaN));
  return {
    engine: "opa bench (native Go)",
    decisions,
    seconds: totalNs / 1e9,
    p50Us: timer("median") / 1000,
    p99Us: timer("99%") / 1000,
    meanUs: totalNs / decisions / 1000,
  };
}

function formatRow(scenario: string, measurement: Measurement, ratio: string): string {
  const throughput = measurement.decisions / measurement.seconds;
  return `| ${scenario} | ${measurement.engine} | ${measurement.p50Us.toFixed(1)} | ${measurement.p99Us.toFixed(1)} | ${measurement.meanUs.toFixed(1)} | ${Math.round(throughput).toLocaleString("en-US")} | ${ratio} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" }, rounds: { type: "string", default: "3" } } });
  const seconds = Number(values.seconds);
  const rounds = Number(values.rounds);
  if (!(seconds > 0) || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`--seconds must be a positive number and --rounds a positive integer (got ${values.seconds} and ${values.rounds})`);
  }
  toolPath("opa");

  // Budget data computed 1 minute ago: healthcare quality at 18 % denies prompt deploys, and
  // every other budget is at 80 %.
  const data = buildPolicyData(Date.now() - 60_000, { healthcare: { quality: buildBudget(0.18) } });
  const folder = await mkdtemp(path.join(os.tmpdir(), "budgetgate-bench-policy-"));
  const dataFile = path.join(folder, "data.json");
  await writeFile(dataFile, JSON.stringify({ budgetgate: data }));

  const engine = await PolicyEngine.load();
  engine.setData(data);

  const rows: string[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const inputFile = path.join(folder, `${scenario.name.replaceAll(" ", "-")}.json`);
      await writeFile(inputFile, JSON.stringify(scenario.input));

      // Both engines must return the expected verdict before they are timed.
      const fromOpa = (await opaEvalValue(`data.budgetgate.decision with input as ${JSON.stringify(scenario.input)}`, [POLICY_BUDGETGATE_DIR, dataFile])) as {
        allow?: boolean;
      };
      const fromWasm = engine.decide(scenario.input);
      if (fromOpa?.allow !== scenario.expectedAllow || fromWasm.allow !== scenario.expectedAllow) {
        throw new Error(`${scenario.name}: expected allow ${scenario.expectedAllow}, opa gave ${fromOpa?.allow} and Wasm ${fromWasm.allow}`);
      }

      // Warm-up: lets V8 optimise the decide path before the first timed run.
      measureWasm(engine, scenario.input, 1);
      const wasmRuns: Measurement[] = [];
      for (let round = 0; round < rounds; round += 1) {
        wasmRuns.push(measureWasm(engine, scenario.input, seconds));
      }
      wasmRuns.sort((a, b) => a.p50Us - b.p50Us);
      const wasm = wasmRuns[Math.floor(wasmRuns.length / 2)]!;
      const opa = await measureOpa(dataFile, inputFile, rounds);

      const speedup = opa.meanUs / wasm.meanUs;
      rows.push(formatRow(scenario.name, wasm, `${speedup.toFixed(2)}x faster (mean)`));
      rows.push(formatRow(scenario.name, opa, "1.00x"));
      console.error(`${scenario.name}: Wasm p50 ${wasm.p50Us.toFixed(1)} µs, opa bench p50 ${opa.p50Us.toFixed(1)} µs`);
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }

  const load = os.loadavg().map((value) => value.toFixed(2)).join(" ");
  console.log(`\nPolicy evaluation, ${new Date().toISOString()}, ${os.cpus().length} CPUs, load average ${load}, Node ${process.version}`);
  console.log(`Wasm: median of ${rounds} runs of ${seconds} s; opa bench: ${rounds} rounds of about 1 s\n`);
  console.log("| scenario | engine | p50 µs | p99 µs | mean µs | decisions/s (1 thread) | Wasm vs opa |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | --- |");
  for (const row of rows) {
    console.log(row);
  }
}

await main();
