/**
 * Bundle server benchmark: 304 responses per second to OPA-style revalidation requests, and the
 * time from a budget change to a waiting long-poll request receiving the new revision.
 * Run with `npx tsx bench/bundles.ts`; it uses a fresh schema of the Postgres in TEST_DATABASE_URL.
 */
import type { AddressInfo } from "node:net";
import autocannon from "autocannon";
import express from "express";
import { insertCalls } from "../src/db/calls.ts";
import { buildCall, hoursFrom } from "../test/helpers/calls.ts";
import { createTestPostgres } from "../test/helpers/database.ts";
import { startTestService } from "../test/helpers/service.ts";

const DURATION_SECONDS = 10;
const CONNECTIONS = 10;
const REVISION_CHANGES = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const test = await createTestPostgres();
const [clock] = await test.db.query<{ now: Date }>("select now() as now");
await insertCalls(
  test.db,
  Array.from({ length: 5000 }, (_, index) => buildCall({ createdAt: hoursFrom(clock!.now, -index / 100), ok: index % 20 !== 0 })),
);
const running = await startTestService(test.db, { LOG_LEVEL: "warn" });
const bundleUrl = `${running.baseUrl}/bundles/budgetgate`;

try {
  // 304 throughput: every request carries the current ETag, as an up-to-date sidecar's does.
  const etag = `"${running.service.data?.revision}"`;
  const notModified = await autocannon({
    url: bundleUrl,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: { "if-none-match": etag },
  });
  const full = await autocannon({ url: bundleUrl, connections: CONNECTIONS, duration: DURATION_SECONDS });

  // Peer: a bare Express route that returns 304 without any checks, the floor for this stack.
  const bare = express();
  bare.get("/bundles/budgetgate", (_request, response) => {
    response.status(304).end();
  });
  const bareServer = bare.listen(0, "127.0.0.1");
  await new Promise((resolve) => bareServer.once("listening", resolve));
  const bareResult = await autocannon({
    url: `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/bundles/budgetgate`,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
    headers: { "if-none-match": etag },
  });
  bareServer.close();

  // Revision change: a long poll waits on the current revision while new calls are inserted and budgets recomputed.
  const afterTick: number[] = [];
  const endToEnd: number[] = [];
  for (let change = 0; change < REVISION_CHANGES; change += 1) {
    const revision = running.service.data!.revision;
    const waiting = fetch(bundleUrl, { headers: { "if-none-match": `"${revision}"`, prefer: "modes=snapshot,delta;wait=30" } }).then(
      (response) => ({ status: response.status, at: performance.now() }),
    );
    const started = performance.now();
    await insertCalls(test.db, [buildCall({ createdAt: new Date(), ok: false })]);
    await running.service.tick();
    const ticked = performance.now();
    const answer = await waiting;
    if (answer.status !== 200) {
      throw new Error(`long poll returned ${answer.status} instead of 200 after a budget change`);
    }
    afterTick.push(answer.at - ticked);
    endToEnd.push(answer.at - started);
  }
  afterTick.sort((a, b) => a - b);
  endToEnd.sort((a, b) => a - b);

  const rows = [
    ["304 Not Modified", `${Math.round(notModified.requests.average)} req/s`, `p99 ${notModified.latency.p99} ms`],
    ["peer: bare Express 304", `${Math.round(bareResult.requests.average)} req/s`, `p99 ${bareResult.latency.p99} ms`],
    ["304 rate as a share of the peer", `${((notModified.requests.average / bareResult.requests.average) * 100).toFixed(0)} %`, ""],
    ["200 full bundle", `${Math.round(full.requests.average)} req/s`, `p99 ${full.latency.p99} ms`],
    [
      "budget change to new revision served (tick and long poll)",
      `p50 ${percentile(endToEnd, 50).toFixed(1)} ms`,
      `p99 ${percentile(endToEnd, 99).toFixed(1)} ms`,
    ],
    [
      "end of tick to long poll answered",
      `p50 ${percentile(afterTick, 50).toFixed(2)} ms`,
      `p99 ${percentile(afterTick, 99).toFixed(2)} ms`,
    ],
  ];
  console.log(`| measurement | rate or p50 | latency |\n| --- | --- | --- |`);
  for (const row of rows) {
    console.log(`| ${row.join(" | ")} |`);
  }
} finally {
  await running.stop();
  await test.drop();
}
