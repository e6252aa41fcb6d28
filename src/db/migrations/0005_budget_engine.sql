-- Budget engine: definitions from the budgets file, per-minute and per-hour rollups of calls,
-- burn rates, alerts and recovery times in error_budgets, and one computation per scheduled tick.
-- New tables use "if not exists" so that a schema whose older tables were dropped by hand can
-- be migrated again.

-- Per-vertical and per-tenant overrides of target, threshold and allowed overrun, as written in
-- the budgets file: [{"vertical", "tenant", "target", "threshold_ms", "allowed_overrun"}].
alter table budget_definitions add column if not exists overrides jsonb not null default '[]'::jsonb;
-- Multiwindow burn-rate alerting: {"min_events", "page": [...], "ticket": [...]}.
-- Null means the built-in defaults of src/budgets/alerts.ts.
alter table budget_definitions add column if not exists alerting jsonb;

-- The scheduled time of the cron tick that wrote a run; null for runs started by hand.
-- Unique, so two replicas can never both write a run for the same tick.
alter table budget_runs add column if not exists tick_slot timestamptz;
create unique index if not exists budget_runs_tick_slot_idx on budget_runs (tick_slot);

-- Burn rate per window name (5m, 30m, 1h, 2h, 6h, 1d, 3d), null where the window has no data.
alter table error_budgets add column if not exists burn_rates jsonb not null default '{}'::jsonb;
alter table error_budgets add column if not exists alert text not null default 'none'
  check (alert in ('page', 'ticket', 'none'));
-- Earliest time at which remaining would be back at or above the block threshold if no new
-- events arrived; null when it already is, or without data.
alter table error_budgets add column if not exists recovers_at timestamptz;

-- The view was expanded with the columns of 0002; recreate it so it shows the new columns.
create or replace view error_budgets_latest as
  select e.*
  from error_budgets e
  where e.run_id = (select max(id) from budget_runs);

-- Counts of calls per minute (UTC) per vertical and tenant. latency_good and stall_good hold one
-- count per threshold, in the ascending order stored in rollup_state.spec.
create table if not exists rollup_minutes (
  bucket timestamptz not null,
  vertical text not null,
  tenant_id text,
  calls bigint not null,
  connected bigint not null,
  connected_ok bigint not null,
  latency_eligible bigint not null,
  latency_good bigint[] not null,
  stall_eligible bigint not null,
  stall_good bigint[] not null,
  cost_usd numeric not null
);
create index if not exists rollup_minutes_bucket_idx on rollup_minutes (bucket);
create index if not exists rollup_minutes_vertical_bucket_idx on rollup_minutes (vertical, bucket);

-- The same counts per hour (UTC), summed from rollup_minutes.
create table if not exists rollup_hours (
  bucket timestamptz not null,
  vertical text not null,
  tenant_id text,
  calls bigint not null,
  connected bigint not null,
  connected_ok bigint not null,
  latency_eligible bigint not null,
  latency_good bigint[] not null,
  stall_eligible bigint not null,
  stall_good bigint[] not null,
  cost_usd numeric not null
);
create index if not exists rollup_hours_bucket_idx on rollup_hours (bucket);

-- One row: what the rollups were built with and how far calls were folded in.
create table if not exists rollup_state (
  singleton boolean primary key default true check (singleton),
  -- Thresholds and retention the rollups were built with; null while a rebuild is unfinished.
  spec jsonb,
  -- Highest calls.id folded in; null when calls has no integer id (a view with uuid ids).
  watermark_id bigint,
  built_at timestamptz,
  refreshed_at timestamptz
);
