-- Budget definitions: what each budget measures, its objective and the deploy types it gates.
create table budget_definitions (
  name text primary key check (name ~ '^[a-z][a-z0-9_]*$'),
  description text not null,
  sli text not null check (sli in ('availability', 'latency', 'stall', 'quality', 'cost')),
  -- Ratio budgets: the SLO target in (0, 1). Null for the cost budget.
  target double precision check (target > 0 and target < 1),
  -- Cost budget: allowed overrun of the mean cost per call over its baseline (0.15 = 15 %).
  allowed_overrun double precision check (allowed_overrun > 0),
  -- Latency and stall budgets: the good-event limit in milliseconds.
  threshold_ms integer check (threshold_ms > 0),
  window_seconds integer not null default 604800 check (window_seconds > 0),
  -- Cost budget: length of the baseline period before the window.
  baseline_seconds integer check (baseline_seconds > 0),
  gates text[] not null,
  enabled boolean not null default true,
  updated_at timestamptz not null default now(),
  check ((sli = 'cost') = (allowed_overrun is not null and baseline_seconds is not null and target is null)),
  check ((sli in ('latency', 'stall')) = (threshold_ms is not null))
);

insert into budget_definitions (name, description, sli, target, allowed_overrun, threshold_ms, baseline_seconds, gates) values
  ('availability', 'calls that connected and were not dropped by the platform', 'availability', 0.999, null, null, null, '{platform}'),
  ('latency', 'connected calls whose first response came within 800 ms', 'latency', 0.95, null, 800, null, '{platform}'),
  ('stall', 'connected calls with no agent silence longer than 4 s', 'stall', 0.99, null, 4000, null, '{platform}'),
  ('quality', 'connected calls whose conversation succeeded', 'quality', 0.95, null, null, null, '{prompt,model}'),
  ('cost', 'mean cost per call within 15 % of the 14 days before the window', 'cost', null, 0.15, null, 1209600, '{finance}');

-- One row per computation run; error_budgets rows of a run are written in one transaction.
create table budget_runs (
  id bigint generated always as identity primary key,
  started_at timestamptz not null,
  finished_at timestamptz not null,
  -- The database clock at the end of the windows, shared by every budget of the run.
  window_end timestamptz not null
);

-- Computed budgets, one row per budget per vertical per run. Dashboards read this table directly.
create table error_budgets (
  id bigint generated always as identity primary key,
  run_id bigint not null references budget_runs (id) on delete cascade,
  vertical text not null,
  tenant_id text,
  name text not null,
  -- SLO target of ratio budgets; the allowed overrun of the cost budget.
  target double precision not null,
  -- Share of events allowed to be bad: 1 - target, or the allowed overrun.
  budget double precision not null,
  sli double precision,
  burn double precision,
  burn_rate double precision,
  -- (sli - target) / (1 - target); negative when overspent, never clamped. Null without data.
  remaining double precision,
  eligible bigint not null,
  good bigint not null,
  status text not null check (status in ('ok', 'no_data')),
  window_start timestamptz not null,
  window_end timestamptz not null,
  computed_at timestamptz not null
);

create index error_budgets_run_idx on error_budgets (run_id);
create index error_budgets_vertical_name_idx on error_budgets (vertical, name, computed_at desc);

-- Budgets of the newest run.
create view error_budgets_latest as
  select e.*
  from error_budgets e
  where e.run_id = (select max(id) from budget_runs);
