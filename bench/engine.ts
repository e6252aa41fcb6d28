/**
 * Benchmarks the budget engine on the real Postgres.
 *
 * Usage: npx tsx bench/engine.ts [--calls N] [--runs N] [--no-write]
 *   --calls     calls loaded first, spread over 21 days (default 10000000); the table is then doubled
 *   --runs      measured repetitions of each query, the median is reported (default 9)
 *   --no-write  print the results without updating docs/benchmarks.md
 *
 * In a fresh schema of TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) the
 * script loads the calls with `insert ... select` from generate_series: three verticals with seven
 * tenants each, 0.05 % unconnected, 2.8 % of first responses over 800 ms, 0.5 % of silences over
 * 4 s and 3 % failed conversations. Healthcare has 8 % more failures over the last two days, which
 * spend its quality budget, so that its recovery time is computed too. It then measures:
 *   - full rebuild: rebuildRollups over the whole retention period;
 *   - incremental: runBudgetComputation after inserting one minute of traffic as new calls (the
 *     table's calls per minute over 21 days), which syncs the budgets
 *     file, refreshes the rollups and computes and writes every budget of every vertical;
 *   - plain scan: the one-scan SQL of src/budgets/counts.ts for one budget alone, straight from
 *     calls, as the engine did before the rollups: quality (7 days) and cost (21 days).
 * It then inserts as many calls again into the same 21 days, rebuilds, and measures the
 * incremental computation and the scan once more. The schema is dropped at the end.
 */
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { readBudgetCounts } from "../src/budgets/counts.ts";
import { loadBudgetDefinitions } from "../src/budgets/definitions.ts";
import { rollupSpecFor } from "../src/budgets/rollup-spec.ts";
import { rebuildRollups } from "../src/budgets/rollups.ts";
import { runBudgetComputation } from "../src/budgets/run.ts";
import { loadConfig } from "../src/config/config.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openPostgres, quoteIdentifier } from "../src/db/postgres.ts";

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
const BENCHMARKS_FILE = fileURLToPath(new URL("../docs/benchmarks.md", import.meta.url));
const SECTION = "## Budget engine";
const ROWS_PER_STATEMENT = 1_000_000;

const { values: args } = parseArgs({
  options: {
    calls: { type: "string", default: "10000000" },
    runs: { type: "string", default: "9" },
    "no-write": { type: "boolean", default: false },
  },
});
const CALLS = Number(args.calls);
const RUNS = Number(args.runs);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await work();
  return { ms: performance.now() - start, result };
}

/**
 * Inserts `count` calls spread evenly over the 21 days before the database clock, in the order of
 * their time, as a live system would. `offset` shifts them by a fraction of the spacing so that a
 * second load interleaves with the first. Attributes come from a multiplicative hash of the row
 * number, so every run loads the same data relative to its clock.
 */
async function loadCalls(db: Database, count: number, offset: number): Promise<void> {
  for (let first = 0; first < count; first += ROWS_PER_STATEMENT) {
    const last = Math.min(first + ROWS_PER_STATEMENT, count) - 1;
    await db.query(
      `insert into calls (vertical, tenant_id, created_at, connected, ok, first_response_ms, max_silence_ms, cost_usd)
       select v.vertical,
              case when h % 100 = 0 then null else v.vertical || '-' || (h % 7)::text end,
              t.created_at,
              h % 10000 >= 5,
              h % 10000 >= 5 and not (v.vertical = 'healthcare' and t.created_at > now() - interval '2 days'
                                      and (h / 1000) % 100 < 8)
                             and (h / 1000) % 100 >= 3,
              case when h % 10000 < 5 then null else 150 + (h / 7) % 670 end,
              case when h % 10000 < 5 then null else (h / 13) % 4020 end,
              (0.05 + ((h / 17) % 100) / 1000.0)::numeric(14, 6)
       from generate_series($1::int8, $2::int8) as g(i)
       cross join lateral (select (g.i * 2654435761) % 4294967296 as h) as hashed(h)
       cross join lateral (select (array['healthcare', 'real_estate', 'salon'])[1 + (g.i % 3)::int] as vertical) as v
       cross join lateral (select now() - interval '21 days'
                                  + ((g.i + $4::float8) * (21 * 86400.0 / $3::float8)) * interval '1 second' as created_at) as t`,
      [first, last, count, offset],
    );
    process.stderr.write(`  loaded ${last + 1} of ${count} calls\n`);
  }
  await db.query("analyze calls");
}

/** Inserts `count` new calls stamped within the last minute, as one tick's worth of traffic. */
async function insertBatch(db: Database, count: number): Promise<void> {
  await db.query(
    `insert into calls (vertical, tenant_id, created_at, connected, ok, first_response_ms, max_silence_ms, cost_usd)
     select (array['healthcare', 'real_estate', 'salon'])[1 + i % 3], 'batch', now() - (i % 60) * interval '1 second',
            true, i % 20 <> 0, 300 + i % 700, 500 + i % 3000, 0.1
     from generate_series(1, $1::int) as i`,
    [count],
  );
}

interface Measurement {
  /** One-minute load average of the machine when the incremental runs started. */
  load: number;
  incrementalMs: number;
  /** The quality budget straight from calls: a 7-day window. */
  scanMs: number;
  /** The cost budget straight from calls: a 7-day window and its 14-day baseline. */
  costScanMs: number;
  rebuildMs: number;
  calls: number;
  minuteRows: number;
  hourRows: number;
}

async function measure(db: Database, config: ReturnType<typeof loadConfig>): Promise<Measurement> {
  const definitions = await loadBudgetDefinitions(db);
  const spec = rollupSpecFor(definitions);
  const [clock] = await db.query<{ now: Date }>("select now() as now");
  const rebuild = await timed(() => rebuildRollups(db, spec, clock!.now));
  // Measure the steady state: autovacuum would otherwise still be working on the new rows.
  await db.query("vacuum (analyze) calls, rollup_minutes, rollup_hours");
  // One computation folds in anything the rebuild missed and warms the caches.
  await runBudgetComputation(db, { config });

  const load = os.loadavg()[0]!;
  const incremental: number[] = [];
  const [rate] = await db.query<{ calls: number }>("select (count(*) / (21 * 1440))::int as calls from calls");
  for (let run = 0; run < RUNS; run += 1) {
    await insertBatch(db, rate!.calls);
    incremental.push((await timed(() => runBudgetComputation(db, { config }))).ms);
  }
  const scanOf = async (name: string) => {
    const single = definitions.filter((definition) => definition.name === name);
    const scans: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const [now] = await db.query<{ now: Date }>("select now() as now");
      scans.push((await timed(() => readBudgetCounts(db, single, now!.now))).ms);
    }
    return median(scans);
  };
  const scanMs = await scanOf("quality");
  const costScanMs = await scanOf("cost");
  const [counts] = await db.query<{ calls: number; minutes: number; hours: number }>(
    `select (select count(*) from calls)::int8 as calls, (select count(*) from rollup_minutes)::int8 as minutes,
            (select count(*) from rollup_hours)::int8 as hours`,
  );
  const report = rebuild.result;
  return {
    load,
    incrementalMs: median(incremental),
    scanMs,
    costScanMs,
    rebuildMs: rebuild.ms,
    calls: Number(counts!.calls),
    minuteRows: report?.mode === "rebuild" ? report.minuteRows : Number(counts!.minutes),
    hourRows: report?.mode === "rebuild" ? report.hourRows : Number(counts!.hours),
  };
}

function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 100 ? 1 : 0)} ms`;
}

function resultSection(first: Measurement, second: Measurement, postgresVersion: string): string {
  const row = (m: Measurement) =>
    `| ${m.calls.toLocaleString("en-US")} | ${m.minuteRows.toLocaleString("en-US")} / ${m.hourRows.toLocaleString("en-US")} | ` +
    `${formatMs(m.incrementalMs)} | ${formatMs(m.scanMs)} (${(m.scanMs / m.incrementalMs).toFixed(1)}×) | ` +
    `${formatMs(m.costScanMs)} (${(m.costScanMs / m.incrementalMs).toFixed(1)}×) | ${formatMs(m.rebuildMs)} |`;
  return `${SECTION}

Command: \`npx tsx bench/engine.ts\` (${CALLS.toLocaleString("en-US")} calls, doubled once; median of ${RUNS} runs).
Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB memory,
${postgresVersion} on the same machine with its default settings, measured on ${new Date().toISOString().slice(0, 10)}.

| calls | rollup rows (minute / hour) | incremental recompute | plain scan, quality (÷ incremental) | plain scan, cost (÷ incremental) | full rebuild |
| --- | --- | --- | --- | --- | --- |
${row(first)}
${row(second)}

- **incremental recompute**: \`runBudgetComputation\` after inserting one minute of traffic (the
  table's mean calls per minute) as new calls. It checks the budgets file for changes, folds the
  new calls and the 5-minute late-arrival horizon into the rollups, computes all five budgets
  with their burn rates, alerts and recovery times for the three verticals, and writes the run.
- **plain scan**: the single-scan SQL of \`src/budgets/counts.ts\` for one budget alone, straight
  from \`calls\`: quality reads its 7-day window, cost its window and the 14-day baseline before
  it. In parentheses, how many times longer the scan takes than the incremental recompute of all
  budgets.
- **full rebuild**: \`rebuildRollups\` over the 22-day retention period, one transaction per day.

The tables are vacuumed and analyzed after each load, so the numbers show the steady state of a
running service rather than the minutes after a bulk load, while autovacuum is still busy.

The one-minute load average was ${first.load.toFixed(2)} and ${second.load.toFixed(2)} when the incremental runs started.
Other work on the shared machine makes single runs vary, which the median of the runs damps, so
compare the rows of one table rather than numbers from different runs.

- Doubling the table changed the incremental recompute by a factor of ${(second.incrementalMs / first.incrementalMs).toFixed(2)} and the quality scan
  by ${(second.scanMs / first.scanMs).toFixed(2)}. The recompute reads the same number of rollup rows at both sizes, but it
  aggregates the calls of the late-arrival horizon again, and their number doubles with the
  traffic per minute.
- Aim: an incremental recompute at least 20 times faster than the plain scan. At
  ${CALLS.toLocaleString("en-US")} calls the quality scan took ${verdict(first.scanMs / first.incrementalMs)}, and the cost scan
  ${verdict(first.costScanMs / first.incrementalMs)}.
`;
}

function verdict(ratio: number): string {
  return ratio >= 20 ? `${ratio.toFixed(1)} times as long, which meets it` : `${ratio.toFixed(1)} times as long, short of it`;
}

async function writeSection(section: string): Promise<void> {
  let text = "";
  try {
    text = await readFile(BENCHMARKS_FILE, "utf8");
  } catch {
    text = "# Benchmarks\n";
  }
  const start = text.indexOf(`${SECTION}\n`);
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const next = text.indexOf("\n## ", start + SECTION.length);
    text = `${text.slice(0, start)}${section}${next < 0 ? "" : text.slice(next)}`;
  }
  await writeFile(BENCHMARKS_FILE, text.endsWith("\n") ? text : `${text}\n`);
}

const schema = `bg_bench_${randomBytes(6).toString("hex")}`;
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
await admin.query(`create schema ${quoteIdentifier(schema)}`);
const db = await openPostgres({ connectionString: DATABASE_URL, schema, maxConnections: 4 });
try {
  process.env.LOG_LEVEL ??= "warn";
  await migrate(db);
  const config = loadConfig({});
  const [version] = await db.query<{ version: string }>("select split_part(version(), ' ', 1) || ' ' || split_part(version(), ' ', 2) as version");

  console.error(`loading ${CALLS} calls into schema ${schema}`);
  const load = await timed(() => loadCalls(db, CALLS, 0));
  console.error(`loaded in ${formatMs(load.ms)}`);
  await runBudgetComputation(db, { config });
  const first = await measure(db, config);

  console.error(`doubling to ${2 * CALLS} calls`);
  await loadCalls(db, CALLS, 0.5);
  const second = await measure(db, config);

  const section = resultSection(first, second, version!.version);
  console.log(section);
  if (!args["no-write"]) {
    await writeSection(section);
    console.error(`wrote ${BENCHMARKS_FILE}`);
  }
} finally {
  await db.close();
  await admin.query(`drop schema ${quoteIdentifier(schema)} cascade`);
  await admin.end();
}
