-- Governance metrics read per-case facts from the case row (docs/metrics.md, ADR 0015). The case
-- service keeps them in the same statement as each transition, under the row lock, from the same
-- figures it writes to the timeline; the timeline stays the record they can be rebuilt from
-- (the backfill below is that rebuild).
--   paused_ms           sum of the pauses ended by a resume (each resume event's data.pausedMs)
--   response_paused_ms  paused_ms when the case was first assigned (responded_at); NULL before
--   resolve_count       resolve events; > 0 means the case was resolved at least once
--   reopen_count        dispute events: the reporter reopened the resolution
ALTER TABLE cases
  ADD COLUMN paused_ms bigint NOT NULL DEFAULT 0 CHECK (paused_ms >= 0),
  ADD COLUMN response_paused_ms bigint CHECK (response_paused_ms >= 0),
  ADD COLUMN resolve_count integer NOT NULL DEFAULT 0 CHECK (resolve_count >= 0),
  ADD COLUMN reopen_count integer NOT NULL DEFAULT 0 CHECK (reopen_count >= 0);

UPDATE cases c
SET paused_ms = f.paused_ms,
  response_paused_ms = CASE WHEN c.responded_at IS NOT NULL THEN f.response_paused_ms END,
  resolve_count = f.resolve_count,
  reopen_count = f.reopen_count
FROM (
  SELECT e.case_id,
    coalesce(sum((e.data ->> 'pausedMs')::bigint) FILTER (WHERE e.action = 'resume'), 0) AS paused_ms,
    coalesce(sum((e.data ->> 'pausedMs')::bigint)
      FILTER (WHERE e.action = 'resume' AND e.at <= k.responded_at), 0) AS response_paused_ms,
    count(*) FILTER (WHERE e.action = 'resolve') AS resolve_count,
    count(*) FILTER (WHERE e.action = 'dispute') AS reopen_count
  FROM case_events e
  JOIN cases k ON k.id = e.case_id
  WHERE e.action IN ('resume', 'resolve', 'dispute')
  GROUP BY e.case_id
) f
WHERE f.case_id = c.id;

UPDATE cases SET response_paused_ms = 0 WHERE responded_at IS NOT NULL AND response_paused_ms IS NULL;

-- The metrics cohort is "located in these units, submitted in this period": this index carries
-- every column the aggregate reads, so a district's year is an index-only scan of narrow tuples
-- instead of a visit to the wide case rows. It replaces the plain (org_unit_id, created_at)
-- index, which the inbox's closed history uses the same way.
DROP INDEX cases_unit_idx;
CREATE INDEX cases_unit_idx ON cases (org_unit_id, created_at)
  INCLUDE (category_id, state, satisfaction, paused_at, paused_ms, responded_at, response_paused_ms,
    resolved_at, resolve_count, reopen_count);

-- The events index of 0010 served the timeline-based aggregate; nothing reads it now.
DROP INDEX case_events_metrics_idx;
