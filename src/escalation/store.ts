/** SQL of escalation episodes and their outbox of deliveries (tables of migration 0020). */
import { z } from "zod";
import type { Queryable } from "../db/database.ts";
import type { EscalationAction } from "./payloads.ts";

export type Channel = "slack" | "pagerduty";
export type DeliveryStatus = "pending" | "sent" | "failed" | "skipped";

export interface Episode {
  id: number;
  vertical: string;
  tenantId: string | null;
  budget: string;
  dedupKey: string;
  threshold: number;
  target: number | null;
  openedAt: Date;
  openedRemaining: number;
}

/** A pending delivery and the episode it belongs to. */
export interface DueDelivery {
  id: number;
  episode: Episode;
  channel: Channel;
  action: EscalationAction;
  remaining: number;
  createdAt: Date;
  attempts: number;
}

const episodeColumns = "id, vertical, tenant_id, budget, dedup_key, threshold, target, opened_at, opened_remaining";

const episodeRowSchema = z.object({
  id: z.coerce.number(),
  vertical: z.string(),
  tenant_id: z.string().nullable(),
  budget: z.string(),
  dedup_key: z.string(),
  threshold: z.number(),
  target: z.number().nullable(),
  opened_at: z.date(),
  opened_remaining: z.number(),
});

function toEpisode(row: unknown): Episode {
  const parsed = episodeRowSchema.parse(row);
  return {
    id: parsed.id,
    vertical: parsed.vertical,
    tenantId: parsed.tenant_id,
    budget: parsed.budget,
    dedupKey: parsed.dedup_key,
    threshold: parsed.threshold,
    target: parsed.target,
    openedAt: parsed.opened_at,
    openedRemaining: parsed.opened_remaining,
  };
}

/** Reads every episode that has not resolved. */
export async function readOpenEpisodes(db: Queryable): Promise<Episode[]> {
  const rows = await db.query(`select ${episodeColumns} from escalation_episodes where resolved_at is null order by id`);
  return rows.map(toEpisode);
}

export interface NewEpisode {
  vertical: string;
  tenantId: string | null;
  budget: string;
  dedupKey: string;
  threshold: number;
  target: number | null;
  remaining: number;
}

/**
 * Opens an episode and queues its trigger on each channel. Returns null, and writes nothing, when
 * the budget already has an open episode (another evaluator opened it first).
 */
export async function insertEpisode(tx: Queryable, episode: NewEpisode, channels: readonly Channel[], now: Date): Promise<Episode | null> {
  const rows = await tx.query(
    `insert into escalation_episodes (vertical, tenant_id, budget, dedup_key, threshold, target, opened_at, opened_remaining)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict do nothing
     returning ${episodeColumns}`,
    [episode.vertical, episode.tenantId, episode.budget, episode.dedupKey, episode.threshold, episode.target, now, episode.remaining],
  );
  if (rows.length === 0) {
    return null;
  }
  const created = toEpisode(rows[0]);
  if (channels.length > 0) {
    await tx.query(
      `insert into escalation_deliveries (episode_id, channel, action, remaining, created_at, next_attempt_at)
       select $1::int8, channel, 'trigger', $2::float8, $3::timestamptz, $3::timestamptz from unnest($4::text[]) as channel`,
      [created.id, episode.remaining, now, channels],
    );
  }
  return created;
}

/**
 * Resolves an open episode and queues a resolve on every channel that has a trigger in it.
 * Returns false, and writes nothing, when the episode was already resolved.
 */
export async function resolveEpisode(tx: Queryable, episodeId: number, remaining: number, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `update escalation_episodes set resolved_at = $2, resolved_remaining = $3
     where id = $1 and resolved_at is null
     returning id`,
    [episodeId, now, remaining],
  );
  if (rows.length === 0) {
    return false;
  }
  await tx.query(
    `insert into escalation_deliveries (episode_id, channel, action, remaining, created_at, next_attempt_at)
     select episode_id, channel, 'resolve', $2::float8, $3::timestamptz, $3::timestamptz from escalation_deliveries
     where episode_id = $1 and action = 'trigger'
     order by id
     on conflict do nothing`,
    [episodeId, remaining, now],
  );
  return true;
}

const dueRowSchema = episodeRowSchema.extend({
  delivery_id: z.coerce.number(),
  channel: z.enum(["slack", "pagerduty"]),
  action: z.enum(["trigger", "resolve"]),
  remaining: z.number(),
  created_at: z.date(),
  attempts: z.number(),
});

/** Reads pending deliveries whose next attempt is due, oldest first. */
export async function readDueDeliveries(db: Queryable, now: Date, limit: number): Promise<DueDelivery[]> {
  const rows = await db.query(
    `select d.id as delivery_id, d.channel, d.action, d.remaining, d.created_at, d.attempts,
            e.id, e.vertical, e.tenant_id, e.budget, e.dedup_key, e.threshold, e.target, e.opened_at, e.opened_remaining
     from escalation_deliveries d
     join escalation_episodes e on e.id = d.episode_id
     where d.status = 'pending' and d.next_attempt_at <= $1
     order by d.id
     limit $2`,
    [now, limit],
  );
  return rows.map((row) => {
    const parsed = dueRowSchema.parse(row);
    return {
      id: parsed.delivery_id,
      episode: toEpisode(row),
      channel: parsed.channel,
      action: parsed.action,
      remaining: parsed.remaining,
      createdAt: parsed.created_at,
      attempts: parsed.attempts,
    };
  });
}

/** Status of the trigger of an episode on a channel, or null when there is none. */
export async function readTriggerStatus(db: Queryable, episodeId: number, channel: Channel): Promise<DeliveryStatus | null> {
  const rows = await db.query<{ status: DeliveryStatus }>(
    "select status from escalation_deliveries where episode_id = $1 and channel = $2 and action = 'trigger'",
    [episodeId, channel],
  );
  return rows[0]?.status ?? null;
}

/**
 * Takes a due delivery for this evaluator until `leaseUntil`: its next attempt moves to the end of
 * the lease, so no other evaluator picks it up meanwhile. Returns false when it is no longer due.
 */
export async function claimDelivery(db: Queryable, deliveryId: number, now: Date, leaseUntil: Date): Promise<boolean> {
  const rows = await db.query(
    `update escalation_deliveries set next_attempt_at = $3
     where id = $1 and status = 'pending' and next_attempt_at <= $2
     returning id`,
    [deliveryId, now, leaseUntil],
  );
  return rows.length > 0;
}

/** Counts an attempt before it is made and returns the attempts so far, this one included. */
export async function recordAttempt(db: Queryable, deliveryId: number, now: Date): Promise<number> {
  const rows = await db.query<{ attempts: number }>(
    "update escalation_deliveries set attempts = attempts + 1, last_attempt_at = $2 where id = $1 returning attempts",
    [deliveryId, now],
  );
  return Number(rows[0]?.attempts ?? 0);
}

/** Ends a delivery as sent, failed or skipped. */
export async function finishDelivery(
  db: Queryable,
  deliveryId: number,
  status: Exclude<DeliveryStatus, "pending">,
  now: Date,
  statusCode: number | null,
  error: string | null,
): Promise<void> {
  await db.query(
    `update escalation_deliveries
     set status = $2, finished_at = $3, last_status_code = coalesce($4, last_status_code), last_error = $5
     where id = $1`,
    [deliveryId, status, now, statusCode, error],
  );
}

/** Keeps a delivery pending after a failed attempt and sets the time of the next one. */
export async function scheduleRetry(
  db: Queryable,
  deliveryId: number,
  nextAttemptAt: Date,
  statusCode: number | null,
  error: string,
): Promise<void> {
  await db.query(
    "update escalation_deliveries set next_attempt_at = $2, last_status_code = $3, last_error = $4 where id = $1",
    [deliveryId, nextAttemptAt, statusCode, error],
  );
}
