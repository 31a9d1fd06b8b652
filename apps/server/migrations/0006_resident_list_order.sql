-- Resident lists are shown newest first across many units; this index returns them in that
-- order without reading and sorting every resident in scope.
CREATE INDEX residents_created_idx ON residents (created_at DESC, id DESC);
