/**
 * Bodies of escalation messages: a Slack incoming-webhook message and a PagerDuty Events API v2
 * event. Pure: the caller passes every value, including the times.
 */
import type { EscalationConfig } from "./config.ts";

export type EscalationAction = "trigger" | "resolve";

/** Facts of one message: the drop of a budget under the escalation level, or its recovery. */
export interface EscalationNotice {
  action: EscalationAction;
  episodeId: number;
  /** PagerDuty dedup_key of the episode. */
  dedupKey: string;
  vertical: string;
  tenantId: string | null;
  budget: string;
  /** Remaining fraction at the drop (trigger) or at the recovery (resolve). */
  remaining: number;
  /** Escalation level as a remaining fraction. */
  threshold: number;
  /** SLO target of the budget, when known. */
  target: number | null;
  openedAtMs: number;
  /** Time of the drop or of the recovery. */
  occurredAtMs: number;
  /** Admin page of the budget, or null without a configured base URL. */
  adminUrl: string | null;
}

// Slack limits a header text to 150 characters and a section text to 3000 (Block Kit reference).
const SLACK_SECTION_LIMIT = 3000;
// PagerDuty limits payload.summary to 1024 characters.
const PAGERDUTY_SUMMARY_LIMIT = 1024;

/** Formats a fraction as a percentage with one decimal: 0.083 gives `8.3%`. */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/**
 * Builds the admin page URL of a budget: `{base}/budgets/{vertical}/{budget}`, plus
 * `?tenant={tenant}` for a tenant's budget. With `{base}` ending in /admin, the admin routes
 * redirect this path to the budget's row on /admin/sre.
 */
export function adminPageUrl(baseUrl: string, vertical: string, budget: string, tenantId: string | null): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/budgets/${encodeURIComponent(vertical)}/${encodeURIComponent(budget)}`);
  if (tenantId !== null) {
    url.searchParams.set("tenant", tenantId);
  }
  return url.href;
}

function subject(notice: EscalationNotice): string {
  const tenant = notice.tenantId === null ? "" : `, tenant ${notice.tenantId},`;
  return `${notice.budget} budget of ${notice.vertical}${tenant}`;
}

/** Builds the one-sentence summary used as Slack `text` and PagerDuty `payload.summary`. */
export function summarizeNotice(notice: EscalationNotice): string {
  const level = formatPercent(notice.threshold);
  if (notice.action === "trigger") {
    return `${subject(notice)} has ${formatPercent(notice.remaining)} remaining, below the escalation level of ${level}`;
  }
  return `${subject(notice)} recovered to ${formatPercent(notice.remaining)} remaining (escalation level ${level})`;
}

/** Escapes the three characters that Slack mrkdwn treats as markup. */
export function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export interface SlackMessage {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/** Builds a Slack incoming-webhook message: the summary as `text` (the notification fallback) and Block Kit `blocks`. */
export function buildSlackMessage(notice: EscalationNotice): SlackMessage {
  const text = summarizeNotice(notice);
  const field = (label: string, value: string) => ({ type: "mrkdwn", text: `*${label}*\n${escapeSlack(value)}` });
  const fields = [
    field("Vertical", notice.vertical),
    field("Budget", notice.budget),
    ...(notice.tenantId === null ? [] : [field("Tenant", notice.tenantId)]),
    field("Remaining", formatPercent(notice.remaining)),
    field("Escalation level", formatPercent(notice.threshold)),
  ];
  const blocks: Array<Record<string, unknown>> = [
    {
      type: "header",
      text: { type: "plain_text", text: notice.action === "trigger" ? "Error budget below escalation level" : "Error budget recovered" },
    },
    { type: "section", text: { type: "mrkdwn", text: truncate(escapeSlack(text), SLACK_SECTION_LIMIT) } },
    { type: "section", fields },
  ];
  if (notice.adminUrl !== null) {
    // The URL went through the URL parser, which percent-encodes `<` and `>`; `|` would end the link target.
    const href = notice.adminUrl.replaceAll("|", "%7C");
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `<${href}|Open the budget in budgetgate>` } });
  }
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: `Episode ${notice.episodeId}, opened ${new Date(notice.openedAtMs).toISOString()}` }],
  });
  return { text, blocks };
}

export interface PagerDutyTrigger {
  routing_key: string;
  event_action: "trigger";
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: EscalationConfig["severity"];
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
  client_url?: string;
  links?: Array<{ href: string; text: string }>;
}

export interface PagerDutyResolve {
  routing_key: string;
  event_action: "resolve";
  dedup_key: string;
}

/**
 * Builds a PagerDuty Events API v2 event. A trigger carries the summary and the details. A resolve
 * carries only the routing key, the action and the dedup_key, because the API reads nothing else
 * from it.
 */
export function buildPagerDutyEvent(
  notice: EscalationNotice,
  options: { routingKey: string; source: string; severity: EscalationConfig["severity"] },
): PagerDutyTrigger | PagerDutyResolve {
  if (notice.action === "resolve") {
    return { routing_key: options.routingKey, event_action: "resolve", dedup_key: notice.dedupKey };
  }
  const event: PagerDutyTrigger = {
    routing_key: options.routingKey,
    event_action: "trigger",
    dedup_key: notice.dedupKey,
    payload: {
      summary: truncate(summarizeNotice(notice), PAGERDUTY_SUMMARY_LIMIT),
      source: options.source,
      severity: options.severity,
      timestamp: new Date(notice.occurredAtMs).toISOString(),
      component: notice.budget,
      group: notice.vertical,
      class: "error_budget",
      custom_details: {
        vertical: notice.vertical,
        tenant_id: notice.tenantId,
        budget: notice.budget,
        remaining: notice.remaining,
        escalation_level: notice.threshold,
        target: notice.target,
        episode_id: notice.episodeId,
        opened_at: new Date(notice.openedAtMs).toISOString(),
      },
    },
    client: "budgetgate",
  };
  if (notice.adminUrl !== null) {
    event.client_url = notice.adminUrl;
    event.links = [{ href: notice.adminUrl, text: "Budget in budgetgate" }];
  }
  return event;
}
