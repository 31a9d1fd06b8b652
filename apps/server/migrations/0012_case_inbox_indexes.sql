-- The case inbox (docs/benchmarks.md, bench:cases). Staff filter by the units of a scope (ids
-- resolved first) on either the case's place or its responsible unit, almost always among cases
-- still in play, by state and often by category. These partial indexes hold only cases not yet
-- closed, rejected or merged (a small, recent share of a city's history) keyed by those filters,
-- so a street's inbox is a BitmapOr of two index ranges that reads just the matching rows; the
-- page of 50 is then sorted from those. Closed history is served by cases_unit_idx.
CREATE INDEX cases_active_unit_idx ON cases (org_unit_id, state, category_id)
  WHERE state NOT IN ('closed', 'rejected', 'duplicate');
CREATE INDEX cases_active_responsible_idx ON cases (responsible_unit_id, state, category_id)
  WHERE state NOT IN ('closed', 'rejected', 'duplicate');
