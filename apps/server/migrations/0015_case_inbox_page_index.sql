-- The case inbox page (docs/benchmarks.md, bench:cases).
--
-- due_at: the deadline the case is held to in its current state (the response deadline until
-- someone is assigned, then the resolution deadline; none while paused, resolved or finished).
-- "Overdue" is then one range on one column, which the planner estimates from its histogram;
-- as two state-dependent conditions over two columns it guessed ~40 rows where 1,500 matched
-- and chose a bitmap scan over thousands of wide rows.
ALTER TABLE cases ADD COLUMN due_at timestamptz GENERATED ALWAYS AS (
  CASE
    WHEN state IN ('submitted', 'accepted', 'reopened') THEN response_due_at
    WHEN state IN ('assigned', 'in_progress') THEN resolution_due_at
  END
) STORED;

-- Staff almost always look at cases still in play, newest first, 50 at a time. This partial
-- index holds those cases in page order with every column the inbox filters read, so the page's
-- ids are an index-only walk that stops once the page is full, instead of fetching every matching
-- row from the wide case table and sorting it; the detail joins then run for the page's rows only
-- (CasesRepository.list).
CREATE INDEX cases_active_inbox_idx ON cases (created_at DESC, id DESC)
  INCLUDE (org_unit_id, responsible_unit_id, state, category_id, due_at, responsible_department,
    supervised, channel, assignee_id)
  WHERE state NOT IN ('closed', 'rejected', 'duplicate');

-- Superseded: the inbox reads cases in play through the index above (an index on state and the
-- deadlines, or on unit, state and category, invited bitmap scans over thousands of wide rows
-- on misestimates), and the deadline job filters on due_at within the same states.
DROP INDEX cases_state_due_idx;
DROP INDEX cases_active_unit_idx;
DROP INDEX cases_active_responsible_idx;
