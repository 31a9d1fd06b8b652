-- Name search over sealed names (ADR 0045).
-- `name_index` holds the keyed blind indexes (HMAC under SECRET_KEY's index key) of the forms a
-- resident's name is looked up by: the normalised full name, the name in the other order, and
-- for Chinese names the full pinyin and its initials. Exact tokens only: a search matches a row
-- when one of its digests equals one of the query's, so no substring of a name is ever indexed.
-- NULL means "not indexed yet": SQL cannot compute a keyed digest, so the server fills existing
-- rows after the migration (job `registry.name-index-backfill`, resumable by construction: it
-- takes the next rows still NULL), and every write after this migration stores the index.
ALTER TABLE residents ADD COLUMN name_index text[];
CREATE INDEX residents_name_index_idx ON residents USING gin (name_index);
-- The backfill's worklist: empty once every row is indexed.
CREATE INDEX residents_name_index_pending_idx ON residents (id) WHERE name_index IS NULL;
