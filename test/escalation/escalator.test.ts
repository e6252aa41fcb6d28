import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestPostgres, type TestDatabase } from "../helpers/database.ts";
import { closedPortUrl, startReceiver, type WebhookReceiver } from "./receiver.ts";
import {
  ADMIN_BASE_URL,
  PAGERDUTY_PATH,
  ROUTING_KEY,
  SLACK_PATH,
  budget,
  createHarness,
  readDeliveries,
  readEpisodes,
  receiverConfig,
  type Harness,
} from "./support.ts";

describe("Escalator on Postgres", () => {
  let test: TestDatabase;
  let receiver: WebhookReceiver;
  let harness: Harness;

  beforeAll(async () => {
    test = await createTestPostgres();
  });

  afterAll(async () => {
    await test.drop();
  });

  beforeEach(async () => {
    await test.db.query("truncate escalation_deliveries, escalation_episodes restart identity cascade");
    receiver = await startReceiver();
    harness = createHarness(test.db);
  });

  afterEach(async () => {
    await receiver.close();
  });

  it("pages once per episode", async () => {
    const escalator = harness.create(receiverConfig(receiver));

    const first = await escalator.evaluate([budget("quality", 0.08), budget("latency", 0.6)]);
    for (const remaining of [0.07, 0.05, 0.09]) {
      harness.clock.advance(60_000);
      const again = await escalator.evaluate([budget("quality", remaining), budget("latency", 0.6)]);
      expect(again.opened).toEqual([]);
      expect(again.deliveries).toEqual([]);
    }

    expect(first.opened).toHaveLength(1);
    expect(first.opened[0]).toMatchObject({ vertical: "healthcare", budget: "quality", remaining: 0.08, dedupKey: "test-episode-1" });
    expect(first.deliveries.map((delivery) => [delivery.channel, delivery.action, delivery.outcome])).toEqual([
      ["slack", "trigger", "sent"],
      ["pagerduty", "trigger", "sent"],
    ]);
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(1);
    expect(receiver.requestsTo(PAGERDUTY_PATH)).toHaveLength(1);
    expect(await readEpisodes(test.db)).toHaveLength(1);
  });

  it("posts a Slack message with blocks", async () => {
    await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);

    const [request] = receiver.requestsTo(SLACK_PATH);
    expect(request?.method).toBe("POST");
    expect(request?.contentType).toBe("application/json");
    expect(request?.body.text).toBe("quality budget of healthcare has 8.0% remaining, below the escalation level of 10.0%");
    const blocks = request?.body.blocks as Array<Record<string, any>>;
    expect(blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "Error budget below escalation level" } });
    const fields = blocks.find((block) => block.fields !== undefined)?.fields.map((field: { text: string }) => field.text);
    expect(fields).toEqual(["*Vertical*\nhealthcare", "*Budget*\nquality", "*Remaining*\n8.0%", "*Escalation level*\n10.0%"]);
    const link = blocks.find((block) => typeof block.text?.text === "string" && block.text.text.startsWith("<"));
    expect(link?.text.text).toBe(`<${ADMIN_BASE_URL}/budgets/healthcare/quality|Open the budget in budgetgate>`);
  });

  it("posts a PagerDuty trigger", async () => {
    await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);

    const [request] = receiver.requestsTo(PAGERDUTY_PATH);
    expect(request?.body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: "test-episode-1",
      payload: {
        summary: "quality budget of healthcare has 8.0% remaining, below the escalation level of 10.0%",
        source: "budgetgate",
        severity: "critical",
        timestamp: "2026-06-01T10:00:00.000Z",
        component: "quality",
        group: "healthcare",
        custom_details: { vertical: "healthcare", budget: "quality", remaining: 0.08, escalation_level: 0.1, target: 0.95, episode_id: 1 },
      },
      links: [{ href: `${ADMIN_BASE_URL}/budgets/healthcare/quality` }],
    });
  });

  it("retries a 500 and then delivers", async () => {
    receiver.respond(SLACK_PATH, { status: 500, body: "internal error" });

    const report = await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);

    const slack = receiver.requestsTo(SLACK_PATH);
    expect(slack).toHaveLength(2);
    expect(slack[1]?.body).toEqual(slack[0]?.body);
    expect(harness.sleeps).toEqual([1000]);
    expect(report.deliveries.find((delivery) => delivery.channel === "slack")).toMatchObject({ outcome: "sent", attempts: 2, statusCode: 200 });
    const [row] = (await readDeliveries(test.db)).filter((delivery) => delivery.channel === "slack");
    expect(row).toMatchObject({ status: "sent", attempts: 2, last_status_code: 200 });
  });

  it("does not retry a 400", async () => {
    receiver.respond(SLACK_PATH, { status: 400, body: "invalid_payload" });
    const escalator = harness.create(receiverConfig(receiver));

    const report = await escalator.evaluate([budget("quality", 0.08)]);
    harness.clock.advance(3_600_000);
    await escalator.evaluate([budget("quality", 0.08)]);

    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(1);
    expect(harness.sleeps).toEqual([]);
    expect(report.deliveries.find((delivery) => delivery.channel === "slack")).toMatchObject({
      outcome: "failed",
      attempts: 1,
      statusCode: 400,
      error: "HTTP 400: invalid_payload",
    });
    const [row] = (await readDeliveries(test.db)).filter((delivery) => delivery.channel === "slack");
    expect(row).toMatchObject({ status: "failed", attempts: 1, last_status_code: 400, last_error: "HTTP 400: invalid_payload" });
    const logged = harness.log.lines.find((line) => line.msg === "escalation delivery rejected by the receiver; not retrying");
    expect(logged).toMatchObject({ level: 50, channel: "slack", budget: "quality", vertical: "healthcare", episodeId: 1, statusCode: 400 });
    expect(logged?.host).toBe(new URL(receiver.baseUrl).host);
  });

  it("schedules a retry after repeated 503s", async () => {
    receiver.respond(SLACK_PATH, { status: 503 }, { status: 503 }, { status: 503 });
    const escalator = harness.create(receiverConfig(receiver));

    const report = await escalator.evaluate([budget("quality", 0.08)]);

    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(3);
    expect(harness.sleeps).toEqual([1000, 2000]);
    const slack = report.deliveries.find((delivery) => delivery.channel === "slack");
    // The third failed attempt sets the next one 1 s × 2² = 4 s later.
    expect(slack).toMatchObject({ outcome: "retry_scheduled", attempts: 3, statusCode: 503, nextAttemptAtMs: harness.clock.nowMs + 4000 });
    const logged = harness.log.lines.find((line) => line.msg === "escalation delivery failed; retry scheduled");
    expect(logged).toMatchObject({ level: 50, channel: "slack", attempts: 3, statusCode: 503 });

    // Not due yet: nothing is sent.
    harness.clock.advance(3999);
    expect((await escalator.evaluate([budget("quality", 0.08)])).deliveries).toEqual([]);
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(3);

    harness.clock.advance(1);
    const later = await escalator.evaluate([budget("quality", 0.08)]);
    expect(later.deliveries).toMatchObject([{ channel: "slack", outcome: "sent", attempts: 4 }]);
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(4);
    expect(receiver.requestsTo(PAGERDUTY_PATH)).toHaveLength(1);
  });

  it("waits as long as Retry-After asks", async () => {
    receiver.respond(PAGERDUTY_PATH, { status: 429, headers: { "retry-after": "120" }, body: '{"status":"throttle event"}' });

    const report = await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);

    expect(receiver.requestsTo(PAGERDUTY_PATH)).toHaveLength(1);
    expect(harness.sleeps).toEqual([]);
    expect(report.deliveries.find((delivery) => delivery.channel === "pagerduty")).toMatchObject({
      outcome: "retry_scheduled",
      statusCode: 429,
      nextAttemptAtMs: harness.clock.nowMs + 120_000,
    });
  });

  it("retries a network error", async () => {
    const escalator = harness.create(receiverConfig(receiver, { pagerDutyUrl: `${await closedPortUrl()}${PAGERDUTY_PATH}` }));

    const report = await escalator.evaluate([budget("quality", 0.08)]);

    const pagerDuty = report.deliveries.find((delivery) => delivery.channel === "pagerduty");
    expect(pagerDuty).toMatchObject({ outcome: "retry_scheduled", attempts: 3, statusCode: null });
    expect(pagerDuty?.error).toMatch(/fetch failed/);
    expect(pagerDuty?.error).not.toContain(ROUTING_KEY);
    const [row] = (await readDeliveries(test.db)).filter((delivery) => delivery.channel === "pagerduty");
    expect(row).toMatchObject({ status: "pending", attempts: 3, last_status_code: null });
  });

  it("resolves on recovery", async () => {
    const escalator = harness.create(receiverConfig(receiver));
    await escalator.evaluate([budget("quality", 0.08)]);
    harness.clock.advance(600_000);

    const report = await escalator.evaluate([budget("quality", 0.12)]);

    expect(report.resolved).toMatchObject([{ budget: "quality", remaining: 0.12, dedupKey: "test-episode-1" }]);
    expect(report.deliveries.map((delivery) => [delivery.channel, delivery.action, delivery.outcome])).toEqual([
      ["slack", "resolve", "sent"],
      ["pagerduty", "resolve", "sent"],
    ]);
    const slack = receiver.requestsTo(SLACK_PATH);
    expect(slack[1]?.body.text).toBe("quality budget of healthcare recovered to 12.0% remaining (escalation level 10.0%)");
    expect(slack[1]?.body.blocks[0].text.text).toBe("Error budget recovered");
    expect(receiver.requestsTo(PAGERDUTY_PATH)[1]?.body).toEqual({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: "test-episode-1" });
    const [episode] = await readEpisodes(test.db);
    expect(episode?.resolved_at?.getTime()).toBe(harness.clock.nowMs);

    // Staying above the level sends nothing more.
    harness.clock.advance(60_000);
    expect((await escalator.evaluate([budget("quality", 0.5)])).deliveries).toEqual([]);
  });

  it("keeps the dedup_key within an episode", async () => {
    receiver.respond(PAGERDUTY_PATH, { status: 502 });
    const escalator = harness.create(receiverConfig(receiver));
    await escalator.evaluate([budget("quality", 0.08)]);
    harness.clock.advance(60_000);
    await escalator.evaluate([budget("quality", 0.04)]);
    harness.clock.advance(60_000);
    await escalator.evaluate([budget("quality", 0.2)]);

    const keys = receiver.requestsTo(PAGERDUTY_PATH).map((request) => [request.body.event_action, request.body.dedup_key]);
    expect(keys).toEqual([
      ["trigger", "test-episode-1"],
      ["trigger", "test-episode-1"],
      ["resolve", "test-episode-1"],
    ]);
  });

  it("opens a new episode after a recovery and a new drop", async () => {
    const escalator = harness.create(receiverConfig(receiver));
    for (const remaining of [0.08, 0.3, 0.05]) {
      await escalator.evaluate([budget("quality", remaining)]);
      harness.clock.advance(60_000);
    }

    const events = receiver.requestsTo(PAGERDUTY_PATH).map((request) => [request.body.event_action, request.body.dedup_key]);
    expect(events).toEqual([
      ["trigger", "test-episode-1"],
      ["resolve", "test-episode-1"],
      ["trigger", "test-episode-2"],
    ]);
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(3);
    const episodes = await readEpisodes(test.db);
    expect(episodes.map((episode) => episode.resolved_at === null)).toEqual([false, true]);
  });

  it("resolves only above the hysteresis band", async () => {
    const escalator = harness.create(receiverConfig(receiver, { resolveHysteresis: 0.05 }));
    await escalator.evaluate([budget("quality", 0.08)]);

    harness.clock.advance(60_000);
    expect((await escalator.evaluate([budget("quality", 0.14)])).resolved).toEqual([]);
    harness.clock.advance(60_000);
    expect((await escalator.evaluate([budget("quality", 0.15)])).resolved).toHaveLength(1);
  });

  it("sends no duplicate page after a restart", async () => {
    await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);

    harness.clock.advance(60_000);
    const restarted = harness.create(receiverConfig(receiver));
    const report = await restarted.evaluate([budget("quality", 0.08)]);

    expect(report.opened).toEqual([]);
    expect(report.deliveries).toEqual([]);
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(1);
    expect(receiver.requestsTo(PAGERDUTY_PATH)).toHaveLength(1);

    // The restarted instance still resolves the episode the first one opened.
    harness.clock.advance(60_000);
    expect((await restarted.evaluate([budget("quality", 0.5)])).resolved).toMatchObject([{ dedupKey: "test-episode-1" }]);
  });

  it("delivers a pending page after a restart", async () => {
    receiver.respond(PAGERDUTY_PATH, { status: 500 }, { status: 500 }, { status: 500 });
    await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);
    expect((await readDeliveries(test.db)).find((row) => row.channel === "pagerduty")?.status).toBe("pending");

    harness.clock.advance(60_000);
    const report = await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);

    expect(report.deliveries).toMatchObject([{ channel: "pagerduty", action: "trigger", outcome: "sent", attempts: 4 }]);
    const pages = receiver.requestsTo(PAGERDUTY_PATH);
    expect(pages).toHaveLength(4);
    expect(new Set(pages.map((page) => page.body.dedup_key))).toEqual(new Set(["test-episode-1"]));
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(1);
  });

  it("sends a resolve only after its trigger", async () => {
    receiver.respond(SLACK_PATH, { status: 500 }, { status: 500 }, { status: 500 });
    const escalator = harness.create(receiverConfig(receiver));
    await escalator.evaluate([budget("quality", 0.08)]);

    // Recovered before the Slack trigger went out, and before its retry is due.
    harness.clock.advance(1000);
    const recovered = await escalator.evaluate([budget("quality", 0.3)]);
    expect(recovered.deliveries.map((delivery) => [delivery.channel, delivery.action, delivery.outcome])).toEqual([
      ["slack", "resolve", "deferred"],
      ["pagerduty", "resolve", "sent"],
    ]);

    harness.clock.advance(60_000);
    const later = await escalator.evaluate([budget("quality", 0.3)]);
    expect(later.deliveries.map((delivery) => [delivery.channel, delivery.action, delivery.outcome])).toEqual([
      ["slack", "trigger", "sent"],
      ["slack", "resolve", "sent"],
    ]);
    const texts = receiver.requestsTo(SLACK_PATH).map((request) => request.body.text as string);
    expect(texts.at(-2)).toMatch(/below the escalation level/);
    expect(texts.at(-1)).toMatch(/recovered/);
  });

  it("skips the resolve of a rejected trigger", async () => {
    receiver.respond(SLACK_PATH, { status: 404, body: "no_service" });
    const escalator = harness.create(receiverConfig(receiver));
    await escalator.evaluate([budget("quality", 0.08)]);
    harness.clock.advance(60_000);

    const report = await escalator.evaluate([budget("quality", 0.3)]);

    expect(report.deliveries).toMatchObject([
      { channel: "slack", action: "resolve", outcome: "skipped", error: "the trigger of this episode was not delivered (failed)" },
      { channel: "pagerduty", action: "resolve", outcome: "sent" },
    ]);
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(1);
  });

  it("ignores budgets without data", async () => {
    const escalator = harness.create(receiverConfig(receiver));
    await escalator.evaluate([budget("quality", null), budget("cost", 0.05, { status: "no_data" })]);
    expect(await readEpisodes(test.db)).toEqual([]);

    await escalator.evaluate([budget("quality", 0.05)]);
    harness.clock.advance(60_000);
    const report = await escalator.evaluate([budget("quality", null)]);

    expect(report.resolved).toEqual([]);
    expect((await readEpisodes(test.db))[0]?.resolved_at).toBeNull();
  });

  it("keys episodes by tenant", async () => {
    const escalator = harness.create(receiverConfig(receiver));

    const report = await escalator.evaluate([budget("quality", 0.05), budget("quality", 0.02, { tenantId: "acme" })]);

    expect(report.opened.map((episode) => episode.tenantId)).toEqual([null, "acme"]);
    const slackTexts = receiver.requestsTo(SLACK_PATH).map((request) => request.body.text);
    expect(slackTexts[1]).toBe("quality budget of healthcare, tenant acme, has 2.0% remaining, below the escalation level of 10.0%");
  });

  it("lets one of two evaluators open an episode", async () => {
    const left = harness.create(receiverConfig(receiver));
    const right = harness.create(receiverConfig(receiver));

    const reports = await Promise.all([left.evaluate([budget("quality", 0.08)]), right.evaluate([budget("quality", 0.08)])]);

    expect(reports.flatMap((report) => report.opened)).toHaveLength(1);
    expect(await readEpisodes(test.db)).toHaveLength(1);
    expect(receiver.requestsTo(SLACK_PATH)).toHaveLength(1);
    expect(receiver.requestsTo(PAGERDUTY_PATH)).toHaveLength(1);
  });

  it("records episodes without channels", async () => {
    const report = await harness.create({}).evaluate([budget("quality", 0.08)]);

    expect(report.opened).toHaveLength(1);
    expect(report.deliveries).toEqual([]);
    expect(await readDeliveries(test.db)).toEqual([]);
    expect(receiver.requests).toEqual([]);
  });

  it("skips deliveries of a removed channel", async () => {
    receiver.respond(SLACK_PATH, { status: 500 }, { status: 500 }, { status: 500 });
    await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.08)]);
    harness.clock.advance(60_000);

    const report = await harness.create(receiverConfig(receiver, { slackWebhookUrl: undefined })).evaluate([budget("quality", 0.08)]);

    expect(report.deliveries).toMatchObject([{ channel: "slack", outcome: "skipped", error: "the slack channel is not configured" }]);
    expect(harness.log.lines.some((line) => line.msg === "escalation delivery skipped: its channel is not configured")).toBe(true);
  });

  it("keeps secrets out of logs and rows", async () => {
    receiver.respond(SLACK_PATH, { status: 500, body: `echo ${SLACK_PATH}` }, { status: 400, body: `bad key ${ROUTING_KEY}` });
    receiver.respond(PAGERDUTY_PATH, { status: 400, body: `bad key ${ROUTING_KEY}` });
    const escalator = harness.create(receiverConfig(receiver));

    await escalator.evaluate([budget("quality", 0.08)]);

    const logText = harness.log.text();
    expect(logText).toContain(new URL(receiver.baseUrl).host);
    expect(logText).not.toContain("slack-secret-token");
    expect(logText).not.toContain(ROUTING_KEY);
    const rows = JSON.stringify(await readDeliveries(test.db));
    expect(rows).not.toContain(ROUTING_KEY);
    expect(rows).toContain("[redacted]");
  });

  it("rejects a malformed budget", async () => {
    const escalator = harness.create(receiverConfig(receiver));
    await expect(escalator.evaluate([{ vertical: "healthcare", name: "quality" } as never])).rejects.toThrow(/budgets\[0\] is invalid/);
  });
});
