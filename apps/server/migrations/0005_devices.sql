-- Device profiles say what a kind of device reports: metrics with units and valid ranges,
-- how often, when it counts as inactive, and how long its raw data is kept.
CREATE TABLE device_profiles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  entity_type text NOT NULL,
  metrics jsonb NOT NULL,
  events jsonb NOT NULL DEFAULT '[]'::jsonb,
  reporting_interval_s integer NOT NULL,
  inactivity_timeout_s integer NOT NULL,
  raw_retention_days integer NOT NULL DEFAULT 30,
  rollup_retention_days integer NOT NULL DEFAULT 730,
  builtin boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- FIWARE IoT Agent style API key groups: one shared key per device group, as agents provision them.
CREATE TABLE api_key_groups (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  apikey_hash text NOT NULL UNIQUE,
  apikey_prefix text NOT NULL,
  org_unit_id uuid NOT NULL REFERENCES org_units (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

CREATE TABLE devices (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  profile_id uuid NOT NULL REFERENCES device_profiles (id),
  org_unit_id uuid NOT NULL REFERENCES org_units (id),
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  h3 text NOT NULL,
  install_date date,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'maintenance', 'retired')),
  token_hash text UNIQUE,
  token_prefix text,
  api_key_group_id uuid REFERENCES api_key_groups (id),
  connectivity text NOT NULL DEFAULT 'never' CHECK (connectivity IN ('never', 'active', 'inactive')),
  connected boolean NOT NULL DEFAULT false,
  last_seen_at timestamptz,
  readings_count bigint NOT NULL DEFAULT 0,
  outlier_count bigint NOT NULL DEFAULT 0,
  error_count bigint NOT NULL DEFAULT 0,
  last_error text,
  last_error_at timestamptz,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_unit_idx ON devices (org_unit_id);
CREATE INDEX devices_h3_idx ON devices (h3);
CREATE INDEX devices_group_idx ON devices (api_key_group_id);

-- Rejections by reason, per device: what the UI shows as "error count" broken down.
CREATE TABLE device_rejections (
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  reason text NOT NULL,
  count bigint NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL,
  PRIMARY KEY (device_id, reason)
);

-- The digital twin: the latest value of every metric of every device.
CREATE TABLE device_state (
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  metric text NOT NULL,
  ts timestamptz NOT NULL,
  num double precision,
  txt text,
  outlier boolean NOT NULL DEFAULT false,
  PRIMARY KEY (device_id, metric)
);

-- 1-minute and 1-hour rollups, kept current on every write (only rows actually inserted count,
-- so a redelivered reading never counts twice).
CREATE TABLE telemetry_1m (
  device_id uuid NOT NULL,
  metric text NOT NULL,
  bucket timestamptz NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  sum double precision NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (device_id, metric, bucket)
);
CREATE TABLE telemetry_1h (
  device_id uuid NOT NULL,
  metric text NOT NULL,
  bucket timestamptz NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  sum double precision NOT NULL,
  count bigint NOT NULL,
  PRIMARY KEY (device_id, metric, bucket)
);
CREATE INDEX telemetry_1m_bucket_idx ON telemetry_1m (bucket);
CREATE INDEX telemetry_1h_bucket_idx ON telemetry_1h (bucket);

-- Discrete events (a button press, a gate opening, "smoke detected").
CREATE TABLE device_events (
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  ts timestamptz NOT NULL,
  kind text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}'::jsonb,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, kind, ts)
);
CREATE INDEX device_events_ts_idx ON device_events (ts);

-- The raw readings: one narrow row per (device, metric, time). Partitioned by day on both
-- engines (PGlite is PostgreSQL, so declarative partitioning works there too); retention drops
-- whole partitions. The primary key makes a redelivered QoS 1 reading a no-op.
CREATE TABLE telemetry (
  device_id uuid NOT NULL,
  metric text NOT NULL,
  ts timestamptz NOT NULL,
  num double precision,
  txt text,
  outlier boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_id, metric, ts)
) PARTITION BY RANGE (ts);
