-- Governance metrics (docs/metrics.md) read, per case in the cohort, only the timeline events that
-- end the response and resolution clocks or reopen a case, and the resumes that carry a pause's
-- length. This partial index holds just those rows (about a third of the timeline), with the
-- columns the aggregates read, so the district's year is an index-only scan, not a timeline scan.
CREATE INDEX case_events_metrics_idx ON case_events (case_id) INCLUDE (at, action)
  WHERE action IN ('assign', 'resolve', 'dispute', 'resume');
