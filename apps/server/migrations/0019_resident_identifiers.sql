-- Identifier rules of ADR 0021.
--
-- 1. An ID number is no longer unique across the whole registry. A unique index answered
--    "already registered" to anyone creating a resident anywhere, which told a community worker
--    that a person is registered in a unit they cannot see. The service now refuses a duplicate
--    only within the caller's own area and accepts one registered elsewhere (a person who moved);
--    whoever can see both records finds them among the duplicates. Within one unit the database
--    still refuses a second record, so two simultaneous submissions cannot both succeed there.
DROP INDEX residents_id_number_hash_idx;
CREATE INDEX residents_id_number_hash_idx ON residents (id_number_hash);
CREATE UNIQUE INDEX residents_unit_id_number_idx ON residents (org_unit_id, id_number_hash);

-- 2. The ID mask keeps the first 3 and last 4 characters (was 4 and 4): the 4th digit narrows the
--    region the listing's birth year leaves open. Masks are derived from the stored mask, since
--    the plain number is only in the ciphertext.
UPDATE residents
SET id_number_mask = substr(id_number_mask, 1, 3)
  || repeat('*', length(id_number_mask) - 7)
  || substr(id_number_mask, length(id_number_mask) - 3)
WHERE id_number_mask IS NOT NULL AND length(id_number_mask) >= 8;
