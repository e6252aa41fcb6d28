-- Escalations: an episode runs from the evaluation that finds a budget under the escalation level
-- until the evaluation that finds it recovered, and every notification of an episode goes through
-- an outbox of deliveries, so a restart neither loses a pending page nor sends one twice.
-- Tables use "if not exists" so that a schema whose older tables were dropped by hand can be
-- migrated again.

create table if not exists escalation_episodes (
  id bigint generated always as identity primary key,
  vertical text not null,
  tenant_id text,
  budget text not null,
  -- PagerDuty dedup_key of every event of the episode; random, so it is unique across deployments.
  dedup_key text not null unique check (length(dedup_key) between 1 and 255),
  -- Escalation level in force when the episode opened, as a remaining fraction.
  threshold double precision not null,
  -- SLO target of the budget when known, for the message details.
  target double precision,
  opened_at timestamptz not null,
  opened_remaining double precision not null,
  resolved_at timestamptz,
  resolved_remaining double precision,
  check ((resolved_at is null) = (resolved_remaining is null))
);

-- At most one open episode per budget; a second evaluator inserting at the same time gets a conflict.
create unique index if not exists escalation_episodes_open_idx
  on escalation_episodes (vertical, coalesce(tenant_id, ''), budget)
  where resolved_at is null;

-- One row per message to send: the trigger and the resolve of an episode, per channel.
create table if not exists escalation_deliveries (
  id bigint generated always as identity primary key,
  episode_id bigint not null references escalation_episodes (id) on delete cascade,
  channel text not null check (channel in ('slack', 'pagerduty')),
  action text not null check (action in ('trigger', 'resolve')),
  -- pending: to send or retry; sent: the receiver accepted it; failed: rejected with a 4xx other
  -- than 429; skipped: not sent because the channel was unconfigured or its trigger never went out.
  status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
  -- Remaining fraction that caused the message: at the drop for a trigger, at the recovery for a resolve.
  remaining double precision not null,
  created_at timestamptz not null,
  attempts integer not null default 0 check (attempts >= 0),
  -- Earliest time of the next attempt. While an attempt runs, this is the end of its lease, after
  -- which another evaluator may take the delivery over.
  next_attempt_at timestamptz not null,
  last_attempt_at timestamptz,
  -- HTTP status of the last response; null when the last attempt got no response.
  last_status_code integer,
  -- Reason of the last failure or skip, without webhook URLs or routing keys.
  last_error text,
  finished_at timestamptz,
  unique (episode_id, channel, action)
);

create index if not exists escalation_deliveries_due_idx
  on escalation_deliveries (next_attempt_at)
  where status = 'pending';
