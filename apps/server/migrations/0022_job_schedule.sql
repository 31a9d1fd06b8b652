-- One row per periodic job (platform/jobs/job-scheduler.ts, ADR 0023). The schedule lives here,
-- not in a process: any process may run a job that is due and not leased, and a process that dies
-- while running one lets its lease lapse, so another takes the job over.
CREATE TABLE job_schedule (
  name text PRIMARY KEY,
  every_ms integer NOT NULL CHECK (every_ms > 0),
  holder text,
  lease_until timestamptz,
  last_started_at timestamptz,
  last_finished_at timestamptz,
  last_outcome text CHECK (last_outcome IN ('ok', 'failed')),
  last_error text,
  last_duration_ms integer,
  runs bigint NOT NULL DEFAULT 0
);
