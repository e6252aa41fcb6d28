import { describe, expect, it } from "vitest";
import { adminPageUrl, buildPagerDutyEvent, buildSlackMessage, type EscalationNotice, type PagerDutyTrigger } from "../../src/escalation/index.ts";

const notice: EscalationNotice = {
  action: "trigger",
  episodeId: 7,
  dedupKey: "budgetgate-7",
  vertical: "healthcare",
  tenantId: null,
  budget: "quality",
  remaining: 0.083,
  threshold: 0.1,
  target: 0.95,
  openedAtMs: Date.parse("2026-06-01T10:00:00Z"),
  occurredAtMs: Date.parse("2026-06-01T10:00:00Z"),
  adminUrl: null,
};

const pagerDuty = { routingKey: "key", source: "budgetgate-eu", severity: "warning" as const };

describe("buildSlackMessage", () => {
  it("names budget, vertical, remaining and level", () => {
    const message = buildSlackMessage(notice);

    expect(message.text).toBe("quality budget of healthcare has 8.3% remaining, below the escalation level of 10.0%");
    expect(message.blocks.map((block) => block.type)).toEqual(["header", "section", "section", "context"]);
    expect(message.blocks[3]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "Episode 7, opened 2026-06-01T10:00:00.000Z" }] });
  });

  it("escapes Slack markup in names", () => {
    const message = buildSlackMessage({ ...notice, vertical: "<!channel> & co" });

    expect(JSON.stringify(message.blocks)).not.toContain("<!channel>");
    expect(message.blocks[1]).toEqual({
      type: "section",
      text: { type: "mrkdwn", text: "quality budget of &lt;!channel&gt; &amp; co has 8.3% remaining, below the escalation level of 10.0%" },
    });
  });

  it("adds a tenant field and the link", () => {
    const adminUrl = adminPageUrl("https://budgetgate.example.test/admin/", "health care", "quality", "acme");
    const message = buildSlackMessage({ ...notice, tenantId: "acme", adminUrl });

    expect(adminUrl).toBe("https://budgetgate.example.test/admin/budgets/health%20care/quality?tenant=acme");
    const fields = message.blocks[2]?.fields as Array<{ text: string }>;
    expect(fields.map((field) => field.text)).toContain("*Tenant*\nacme");
    expect(message.blocks[3]).toEqual({ type: "section", text: { type: "mrkdwn", text: `<${adminUrl}|Open the budget in budgetgate>` } });
  });

  it("formats a spent budget as negative", () => {
    expect(buildSlackMessage({ ...notice, remaining: -0.2 }).text).toContain("has -20.0% remaining");
  });
});

describe("buildPagerDutyEvent", () => {
  it("builds a trigger with details", () => {
    const event = buildPagerDutyEvent({ ...notice, adminUrl: "https://budgetgate.example.test/budgets/healthcare/quality" }, pagerDuty);

    expect(event).toEqual({
      routing_key: "key",
      event_action: "trigger",
      dedup_key: "budgetgate-7",
      payload: {
        summary: "quality budget of healthcare has 8.3% remaining, below the escalation level of 10.0%",
        source: "budgetgate-eu",
        severity: "warning",
        timestamp: "2026-06-01T10:00:00.000Z",
        component: "quality",
        group: "healthcare",
        class: "error_budget",
        custom_details: {
          vertical: "healthcare",
          tenant_id: null,
          budget: "quality",
          remaining: 0.083,
          escalation_level: 0.1,
          target: 0.95,
          episode_id: 7,
          opened_at: "2026-06-01T10:00:00.000Z",
        },
      },
      client: "budgetgate",
      client_url: "https://budgetgate.example.test/budgets/healthcare/quality",
      links: [{ href: "https://budgetgate.example.test/budgets/healthcare/quality", text: "Budget in budgetgate" }],
    });
  });

  it("builds a bare resolve", () => {
    expect(buildPagerDutyEvent({ ...notice, action: "resolve" }, pagerDuty)).toEqual({
      routing_key: "key",
      event_action: "resolve",
      dedup_key: "budgetgate-7",
    });
  });

  it("cuts the summary at 1024 characters", () => {
    const event = buildPagerDutyEvent({ ...notice, vertical: "v".repeat(2000) }, pagerDuty) as PagerDutyTrigger;
    expect(event.event_action).toBe("trigger");
    expect(event.payload.summary).toHaveLength(1024);
    expect(event.payload.summary.endsWith("…")).toBe(true);
  });
});
