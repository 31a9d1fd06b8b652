-- The event bus on PostgreSQL alone (platform/bus/pg-transport.ts, ADR 0024): broadcast events
-- travel as NOTIFY payloads; these tables carry what NOTIFY cannot.

-- Consuming groups per work topic. A group, once registered, keeps receiving events while all
-- its processes are down, as a durable consumer does.
CREATE TABLE bus_groups (
  topic text NOT NULL,
  consumer_group text NOT NULL,
  registered_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, consumer_group)
);

-- One row per (work event, consuming group) until a process of that group has handled it.
CREATE TABLE bus_work (
  id bigserial PRIMARY KEY,
  event_id text NOT NULL,
  topic text NOT NULL,
  consumer_group text NOT NULL,
  payload jsonb NOT NULL,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  available_at timestamptz NOT NULL DEFAULT now(),
  deliveries integer NOT NULL DEFAULT 0,
  holder text,
  lease_until timestamptz,
  UNIQUE (event_id, consumer_group)
);
CREATE INDEX bus_work_ready ON bus_work (topic, consumer_group, available_at, id);

-- Broadcast events too large for one NOTIFY payload (8,000 bytes): the notification carries the
-- row's id, listeners read the row, and rows older than a few minutes are deleted.
CREATE TABLE bus_broadcast_overflow (
  id bigserial PRIMARY KEY,
  payload text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
