-- Status reports and decision logs that OPA sidecars send to the bundle service.
create table opa_status_reports (
  id bigint generated always as identity primary key,
  received_at timestamptz not null default now(),
  -- labels.id of the reporting OPA instance.
  instance_id text,
  payload jsonb not null
);

create index opa_status_reports_instance_idx on opa_status_reports (instance_id, received_at desc);

create table opa_decision_logs (
  id bigint generated always as identity primary key,
  received_at timestamptz not null default now(),
  decision_id text,
  instance_id text,
  path text,
  payload jsonb not null
);

create index opa_decision_logs_received_idx on opa_decision_logs (received_at desc);
