import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.ts";
import { DEFAULT_PAGERDUTY_URL, loadEscalationConfig, parseEscalationConfig } from "../../src/escalation/index.ts";

describe("parseEscalationConfig", () => {
  it("fills the defaults", () => {
    expect(parseEscalationConfig({})).toEqual({
      pagerDutyUrl: DEFAULT_PAGERDUTY_URL,
      escalateBelow: 0.1,
      resolveHysteresis: 0,
      source: "budgetgate",
      severity: "critical",
      requestTimeoutMs: 10_000,
      attemptsPerEvaluation: 3,
      retryBaseDelayMs: 1000,
      retryMaxDelayMs: 300_000,
      maxDeliveriesPerEvaluation: 50,
    });
  });

  it.each([
    { case: "non-http webhook", input: { slackWebhookUrl: "ftp://hooks.example.test/x" }, message: /slackWebhookUrl must be an http or https URL/ },
    { case: "empty routing key", input: { pagerDutyRoutingKey: " " }, message: /pagerDutyRoutingKey must not be empty/ },
    { case: "level above 1", input: { escalateBelow: 1.5 }, message: /escalateBelow must be between 0 and 1/ },
    { case: "unknown severity", input: { severity: "fatal" }, message: /severity must be one of critical, error, warning, info/ },
    { case: "zero attempts", input: { attemptsPerEvaluation: 0 }, message: /attemptsPerEvaluation must be between 1 and 10/ },
    { case: "base over max delay", input: { retryBaseDelayMs: 5000, retryMaxDelayMs: 1000 }, message: /retryBaseDelayMs must not exceed retryMaxDelayMs/ },
    { case: "unreachable resolve", input: { escalateBelow: 0.9, resolveHysteresis: 0.2 }, message: /could never resolve/ },
  ])("rejects $case", ({ input, message }) => {
    const parse = () => parseEscalationConfig(input);
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
  });
});

describe("loadEscalationConfig", () => {
  it("reads the environment", () => {
    const config = loadEscalationConfig({
      BUDGETGATE_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T1/B2/token",
      BUDGETGATE_PAGERDUTY_ROUTING_KEY: "routing-key",
      BUDGETGATE_PAGERDUTY_URL: "https://events.eu.pagerduty.com/v2/enqueue",
      BUDGETGATE_ESCALATE_BELOW: "0.05",
      BUDGETGATE_ESCALATE_HYSTERESIS: "0.02",
      BUDGETGATE_ADMIN_BASE_URL: "https://budgetgate.example.test",
      BUDGETGATE_PAGERDUTY_SEVERITY: "error",
    });

    expect(config).toMatchObject({
      slackWebhookUrl: "https://hooks.slack.com/services/T1/B2/token",
      pagerDutyRoutingKey: "routing-key",
      pagerDutyUrl: "https://events.eu.pagerduty.com/v2/enqueue",
      escalateBelow: 0.05,
      resolveHysteresis: 0.02,
      adminBaseUrl: "https://budgetgate.example.test",
      severity: "error",
    });
  });

  it("treats empty variables as unset", () => {
    const config = loadEscalationConfig({ BUDGETGATE_SLACK_WEBHOOK_URL: "", BUDGETGATE_ESCALATE_BELOW: "" });
    expect(config.slackWebhookUrl).toBeUndefined();
    expect(config.escalateBelow).toBe(0.1);
  });

  it("applies overrides", () => {
    expect(loadEscalationConfig({ BUDGETGATE_ESCALATE_BELOW: "0.2" }, { escalateBelow: 0.15, requestTimeoutMs: 500 })).toMatchObject({
      escalateBelow: 0.15,
      requestTimeoutMs: 500,
    });
  });

  it("names the variable without echoing a secret", () => {
    const secret = "not a url with token xoxb-1234";
    const load = () => loadEscalationConfig({ BUDGETGATE_SLACK_WEBHOOK_URL: secret, BUDGETGATE_ESCALATE_BELOW: "ten" });
    expect(load).toThrow(/BUDGETGATE_SLACK_WEBHOOK_URL: slackWebhookUrl must be an http or https URL/);
    expect(load).toThrow(/BUDGETGATE_ESCALATE_BELOW: escalateBelow must be a number between 0 and 1/);
    expect(load).not.toThrow(/xoxb-1234/);
  });
});
