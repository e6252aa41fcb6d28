-- API keys of the budgets API and the admin page. A key is `bgk_<id>_<secret>`; only the id and
-- the SHA-256 digest of the whole key are stored, so the key itself cannot be read back.
-- Revoking sets revoked_at and keeps the row for audit.
create table if not exists api_keys (
  -- Public part of the key, used to find the row; 12 lowercase hex digits.
  id text primary key check (id ~ '^[0-9a-f]{12}$'),
  -- sha256 of the whole key text (UTF-8).
  key_sha256 bytea not null check (length(key_sha256) = 32),
  -- `admin` (every tenant and the admin page) or `tenant:<tenant id>` (that tenant's budgets only).
  scope text not null check (scope = 'admin' or scope ~ '^tenant:[A-Za-z0-9][A-Za-z0-9._-]{0,127}$'),
  label text check (label is null or length(label) between 1 and 200),
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
