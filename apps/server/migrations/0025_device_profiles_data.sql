-- Device profiles defined by operators (ADR 0041): a retired profile keeps its devices working but
-- cannot be chosen for new ones.
ALTER TABLE device_profiles ADD COLUMN retired_at timestamptz;

-- Tokens a device CSV import minted, sealed with the field cipher, until the user who ran the import
-- fetches them once or they expire (device-import-tokens.ts). Never kept in clear.
CREATE TABLE device_import_tokens (
  job_id uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
  device_code text NOT NULL,
  token_sealed text NOT NULL,
  user_id uuid NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (job_id, device_code)
);
CREATE INDEX device_import_tokens_expiry_idx ON device_import_tokens (expires_at);
