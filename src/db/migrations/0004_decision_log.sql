-- Every gate decision, with the bundle revision it was made with.
create table decision_log (
  decision_id uuid primary key,
  decided_at timestamptz not null,
  -- Where the request came from: api, check, admission, gatekeeper.
  source text not null,
  revision text,
  -- sha256 of the canonical JSON of the input.
  input_digest text not null,
  input jsonb not null,
  result jsonb not null,
  allowed boolean not null
);

create index decision_log_decided_at_idx on decision_log (decided_at desc);
