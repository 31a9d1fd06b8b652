-- The case inbox without a state filter (the staff console's default view: every case of my
-- units, newest first) and with history states (closed, rejected, merged). Migration 0015's index
-- holds only cases in play; without this one such a page was a sequential scan of the whole
-- case table sorted for 50 rows (115 ms for a street of 316,000 cases among 1,000,000). The same
-- columns as cases_active_inbox_idx over every case, walked newest first until the page is full.
CREATE INDEX cases_inbox_all_idx ON cases (created_at DESC, id DESC)
  INCLUDE (org_unit_id, responsible_unit_id, state, category_id, due_at, responsible_department,
    supervised, channel, assignee_id);
