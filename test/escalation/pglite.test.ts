import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestPglite, type TestDatabase } from "../helpers/database.ts";
import { startReceiver, type WebhookReceiver } from "./receiver.ts";
import { PAGERDUTY_PATH, SLACK_PATH, budget, createHarness, readDeliveries, receiverConfig } from "./support.ts";

describe("Escalator on PGlite", () => {
  let test: TestDatabase;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    test = await createTestPglite();
  });

  afterAll(async () => {
    await test.drop();
  });

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await receiver.close();
  });

  it("pages, retries and resolves", async () => {
    receiver.respond(PAGERDUTY_PATH, { status: 500 });
    const harness = createHarness(test.db);
    const escalator = harness.create(receiverConfig(receiver));

    await escalator.evaluate([budget("quality", 0.08)]);
    harness.clock.advance(60_000);
    await escalator.evaluate([budget("quality", 0.08)]);
    harness.clock.advance(60_000);
    await harness.create(receiverConfig(receiver)).evaluate([budget("quality", 0.4)]);

    expect(receiver.requestsTo(SLACK_PATH).map((request) => request.body.blocks[0].text.text)).toEqual([
      "Error budget below escalation level",
      "Error budget recovered",
    ]);
    expect(receiver.requestsTo(PAGERDUTY_PATH).map((request) => request.body.event_action)).toEqual(["trigger", "trigger", "resolve"]);
    expect((await readDeliveries(test.db)).map((row) => [row.channel, row.action, row.status, row.attempts])).toEqual([
      ["slack", "trigger", "sent", 1],
      ["pagerduty", "trigger", "sent", 2],
      ["slack", "resolve", "sent", 1],
      ["pagerduty", "resolve", "sent", 1],
    ]);
  });
});
