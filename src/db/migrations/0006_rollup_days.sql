-- Counts per UTC day, summed from rollup_hours, so that long windows read a few rows per day
-- instead of 24. Days that reach back past the retention start hold only the hours kept.
create table if not exists rollup_days (
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
create index if not exists rollup_days_bucket_idx on rollup_days (bucket);

-- Recovery times read the hours of one vertical; without this index they filter every hour row.
create index if not exists rollup_hours_vertical_bucket_idx on rollup_hours (vertical, bucket);

-- A rebuild fills rollup_days too; mark the rollups unfinished so that the next computation does.
update rollup_state set spec = null;
