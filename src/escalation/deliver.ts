/**
 * Sends due deliveries of the outbox: claim, attempt with backoff, and record the outcome. A
 * retryable failure keeps the delivery pending for a later evaluation; nothing is dropped without
 * a final status and a log line.
 */
import type { Database } from "../db/database.ts";
import { describeError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { EscalationConfig } from "./config.ts";
import { hostOf, postJson, redactSecrets, retryDelayMs, type FetchFunction, type SendOutcome } from "./http.ts";
import { adminPageUrl, buildPagerDutyEvent, buildSlackMessage, type EscalationAction, type EscalationNotice } from "./payloads.ts";
import {
  claimDelivery,
  finishDelivery,
  readDueDeliveries,
  readTriggerStatus,
  recordAttempt,
  scheduleRetry,
  type Channel,
  type DueDelivery,
} from "./store.ts";

export type DeliveryOutcome =
  /** The receiver accepted the message. */
  | "sent"
  /** The receiver rejected it with a 4xx other than 429; it is not sent again. */
  | "failed"
  /** Not sent: the channel is no longer configured, or the trigger of this resolve never went out. */
  | "skipped"
  /** Every attempt of this evaluation failed in a retryable way; a later evaluation tries again. */
  | "retry_scheduled"
  /** Left for later: a resolve whose trigger is still pending, or a delivery another evaluator took. */
  | "deferred";

export interface DeliveryResult {
  deliveryId: number;
  episodeId: number;
  channel: Channel;
  action: EscalationAction;
  outcome: DeliveryOutcome;
  /** Attempts so far over every evaluation. */
  attempts: number;
  statusCode: number | null;
  /** Reason of a failure, a skip or a processing error, without secrets; otherwise null. */
  error: string | null;
  /** When the next attempt may run; set for `retry_scheduled` only. */
  nextAttemptAtMs: number | null;
}

export interface DeliveryContext {
  db: Database;
  config: EscalationConfig;
  fetch: FetchFunction;
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  logger: Logger;
  /** How long a claimed delivery stays with this evaluator before another may take it over. */
  leaseMs: number;
}

interface ChannelTarget {
  url: string;
  body(notice: EscalationNotice): unknown;
}

function channelTarget(config: EscalationConfig, channel: Channel): ChannelTarget | null {
  if (channel === "slack") {
    const url = config.slackWebhookUrl;
    return url === undefined ? null : { url, body: buildSlackMessage };
  }
  const routingKey = config.pagerDutyRoutingKey;
  if (routingKey === undefined) {
    return null;
  }
  return {
    url: config.pagerDutyUrl,
    body: (notice) => buildPagerDutyEvent(notice, { routingKey, source: config.source, severity: config.severity }),
  };
}

/**
 * The webhook URL and the routing key, which are never logged, stored or returned. The path of the
 * webhook URL is listed on its own, because it contains the Slack token and a response may quote it.
 */
export function configuredSecrets(config: EscalationConfig): string[] {
  const secrets: string[] = [];
  if (config.slackWebhookUrl !== undefined) {
    const url = new URL(config.slackWebhookUrl);
    secrets.push(config.slackWebhookUrl, url.href);
    if (url.pathname.length > 1) {
      secrets.push(`${url.pathname}${url.search}`, url.pathname);
    }
  }
  if (config.pagerDutyRoutingKey !== undefined) {
    secrets.push(config.pagerDutyRoutingKey);
  }
  return secrets;
}

function noticeOf(delivery: DueDelivery, config: EscalationConfig): EscalationNotice {
  const { episode } = delivery;
  return {
    action: delivery.action,
    episodeId: episode.id,
    dedupKey: episode.dedupKey,
    vertical: episode.vertical,
    tenantId: episode.tenantId,
    budget: episode.budget,
    remaining: delivery.remaining,
    threshold: episode.threshold,
    target: episode.target,
    openedAtMs: episode.openedAt.getTime(),
    occurredAtMs: delivery.createdAt.getTime(),
    adminUrl: config.adminBaseUrl === undefined ? null : adminPageUrl(config.adminBaseUrl, episode.vertical, episode.budget, episode.tenantId),
  };
}

/** Sends the due deliveries one after another, oldest first, up to maxDeliveriesPerEvaluation. */
export async function deliverDue(context: DeliveryContext): Promise<DeliveryResult[]> {
  const due = await readDueDeliveries(context.db, new Date(context.clock()), context.config.maxDeliveriesPerEvaluation);
  const results: DeliveryResult[] = [];
  for (const delivery of due) {
    try {
      results.push(await deliverOne(context, delivery));
    } catch (error) {
      // A claimed delivery becomes due again when its lease ends, so a database error delays it
      // without losing it.
      const reason = redactSecrets(describeError(error), configuredSecrets(context.config));
      context.logger.error(
        { deliveryId: delivery.id, episodeId: delivery.episode.id, channel: delivery.channel, action: delivery.action, reason },
        "escalation delivery could not be processed; it stays pending",
      );
      results.push({
        deliveryId: delivery.id,
        episodeId: delivery.episode.id,
        channel: delivery.channel,
        action: delivery.action,
        outcome: "deferred",
        attempts: delivery.attempts,
        statusCode: null,
        error: reason,
        nextAttemptAtMs: null,
      });
    }
  }
  return results;
}

async function deliverOne(context: DeliveryContext, delivery: DueDelivery): Promise<DeliveryResult> {
  const { db, config, logger } = context;
  const base = {
    deliveryId: delivery.id,
    episodeId: delivery.episode.id,
    channel: delivery.channel,
    action: delivery.action,
  };
  const logFields = {
    ...base,
    vertical: delivery.episode.vertical,
    tenantId: delivery.episode.tenantId,
    budget: delivery.episode.budget,
  };
  const result = (outcome: DeliveryOutcome, attempts: number, statusCode: number | null, error: string | null, nextAttemptAtMs: number | null = null) =>
    ({ ...base, outcome, attempts, statusCode, error, nextAttemptAtMs }) satisfies DeliveryResult;

  const target = channelTarget(config, delivery.channel);
  if (target === null) {
    const reason = `the ${delivery.channel} channel is not configured`;
    await finishDelivery(db, delivery.id, "skipped", new Date(context.clock()), null, reason);
    logger.warn(logFields, "escalation delivery skipped: its channel is not configured");
    return result("skipped", delivery.attempts, null, reason);
  }

  if (delivery.action === "resolve") {
    const triggerStatus = await readTriggerStatus(db, delivery.episode.id, delivery.channel);
    if (triggerStatus === "pending") {
      return result("deferred", delivery.attempts, null, null);
    }
    if (triggerStatus !== "sent") {
      const reason = `the trigger of this episode was not delivered (${triggerStatus ?? "missing"})`;
      await finishDelivery(db, delivery.id, "skipped", new Date(context.clock()), null, reason);
      logger.warn({ ...logFields, triggerStatus }, "escalation resolve skipped: its trigger was not delivered");
      return result("skipped", delivery.attempts, null, reason);
    }
  }

  const claimedAt = context.clock();
  if (!(await claimDelivery(db, delivery.id, new Date(claimedAt), new Date(claimedAt + context.leaseMs)))) {
    return result("deferred", delivery.attempts, null, null);
  }

  const secrets = configuredSecrets(config);
  const body = target.body(noticeOf(delivery, config));
  const host = hostOf(target.url);
  let attempts = delivery.attempts;
  let outcome: SendOutcome;
  for (let attemptInEvaluation = 1; ; attemptInEvaluation += 1) {
    attempts = await recordAttempt(db, delivery.id, new Date(context.clock()));
    outcome = await postJson(context.fetch, target.url, body, config.requestTimeoutMs, secrets);
    const attemptFields = { ...logFields, host, attempts, statusCode: outcome.statusCode };

    if (outcome.kind === "accepted") {
      await finishDelivery(db, delivery.id, "sent", new Date(context.clock()), outcome.statusCode, null);
      logger.info(attemptFields, "escalation delivered");
      return result("sent", attempts, outcome.statusCode, null);
    }
    if (outcome.kind === "rejected") {
      await finishDelivery(db, delivery.id, "failed", new Date(context.clock()), outcome.statusCode, outcome.error);
      logger.error({ ...attemptFields, reason: outcome.error }, "escalation delivery rejected by the receiver; not retrying");
      return result("failed", attempts, outcome.statusCode, outcome.error);
    }

    const delayMs = retryDelayMs(attemptInEvaluation, config.retryBaseDelayMs, config.retryMaxDelayMs);
    const waitsLonger = outcome.retryAfterMs !== null && outcome.retryAfterMs > delayMs;
    if (attemptInEvaluation >= config.attemptsPerEvaluation || waitsLonger) {
      break;
    }
    logger.warn({ ...attemptFields, reason: outcome.error, delayMs }, "escalation delivery attempt failed; retrying");
    await context.sleep(delayMs);
  }

  // Across evaluations the backoff grows with every attempt so far, and a Retry-After header may lengthen it.
  const backoffMs = retryDelayMs(attempts, config.retryBaseDelayMs, config.retryMaxDelayMs);
  const waitMs = Math.min(config.retryMaxDelayMs, Math.max(backoffMs, outcome.retryAfterMs ?? 0));
  const nextAttemptAtMs = context.clock() + waitMs;
  const error = redactSecrets(outcome.error, secrets);
  await scheduleRetry(db, delivery.id, new Date(nextAttemptAtMs), outcome.statusCode, error);
  logger.error(
    { ...logFields, host, attempts, statusCode: outcome.statusCode, reason: error, nextAttemptAt: new Date(nextAttemptAtMs).toISOString() },
    "escalation delivery failed; retry scheduled",
  );
  return result("retry_scheduled", attempts, outcome.statusCode, error, nextAttemptAtMs);
}
