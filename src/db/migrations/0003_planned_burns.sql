-- Planned burns (drills, migrations): calls inside the range are left out of the named budgets.
-- Rows are kept for audit; ending a burn sets ended_at instead of deleting it.
create table planned_burns (
  id bigint generated always as identity primary key,
  vertical text not null,
  tenant_id text,
  budgets text[] not null check (cardinality(budgets) > 0),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text not null check (length(trim(reason)) > 0),
  author text not null check (length(trim(author)) > 0),
  created_at timestamptz not null default now(),
  ended_at timestamptz,
  check (ends_at > starts_at)
);

create index planned_burns_range_idx on planned_burns (vertical, starts_at, ends_at);
