-- The case inbox (docs/benchmarks.md, bench:cases). Staff filter by the units of a scope (ids
-- resolved first) on either the case's place or its responsible unit, mostly among cases still in
-- play, newest first. These partial indexes hold only cases not yet closed, rejected or merged
-- (a small, recent share of a city's history), ordered as the inbox pages them, so a street's
-- open cases are a BitmapOr of two small index ranges instead of a walk over every case.
CREATE INDEX cases_active_unit_idx ON cases (org_unit_id, created_at DESC, id DESC)
  WHERE state NOT IN ('closed', 'rejected', 'duplicate');
CREATE INDEX cases_active_responsible_idx ON cases (responsible_unit_id, created_at DESC, id DESC)
  WHERE state NOT IN ('closed', 'rejected', 'duplicate');
