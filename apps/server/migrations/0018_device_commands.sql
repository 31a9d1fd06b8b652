-- Device credentials kept sealed (AES-256-GCM under SECRET_KEY) next to their SHA-256 lookup
-- hash, so the platform can address per-device topics behind an external broker and generate its
-- password and ACL files (ADR 0018). NULL for credentials issued before this migration.
ALTER TABLE devices ADD COLUMN token_sealed text;
ALTER TABLE api_key_groups ADD COLUMN apikey_sealed text;

-- Commands the platform sent to devices (ThingsBoard server-side RPC, FIWARE IoT Agent JSON
-- commands) with their outcome. request_id is the number ThingsBoard puts in the RPC topic.
CREATE TABLE device_commands (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  protocol text NOT NULL CHECK (protocol IN ('thingsboard', 'fiware')),
  method text NOT NULL,
  params jsonb NOT NULL DEFAULT 'null'::jsonb,
  oneway boolean NOT NULL,
  status text NOT NULL
    CHECK (status IN ('pending', 'queued', 'delivered', 'succeeded', 'failed', 'timed_out')),
  response jsonb,
  error text,
  timeout_ms integer NOT NULL,
  created_by uuid,
  created_by_name text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  completed_at timestamptz,
  expires_at timestamptz NOT NULL
);
CREATE INDEX device_commands_device_idx ON device_commands (device_id, created_at DESC);
-- The expiry sweep looks only at commands still open.
CREATE INDEX device_commands_open_idx ON device_commands (expires_at)
  WHERE status IN ('pending', 'queued', 'delivered');

-- ThingsBoard attributes: `client` ones the device reports, `shared` ones staff set and the
-- platform pushes to the device.
CREATE TABLE device_attributes (
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  scope text NOT NULL CHECK (scope IN ('client', 'shared')),
  key text NOT NULL,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, scope, key)
);
