-- A case's idempotency key (source_ref) belongs to whoever submitted it (ADR 0020): the signed-in
-- user, the Open311 integrator's key, or the alarm source. Before, the key was (channel,
-- source_ref) for the whole installation, so a second submitter reusing someone else's sourceRef
-- was handed the first submitter's case. Now the same sourceRef from two submitters makes two
-- cases, and the unique index below makes concurrent repeats by one submitter create one.

ALTER TABLE cases ADD COLUMN source_submitter text;

-- Existing keys: intake stored who entered the case in created_by (residents and staff alike);
-- sensor alarms and system intakes had no actor.
UPDATE cases SET source_submitter = CASE
    WHEN channel = 'sensor_alarm' THEN 'alarm'
    WHEN created_by IS NOT NULL THEN 'user:' || created_by::text
    ELSE 'system'
  END
WHERE source_ref IS NOT NULL;

ALTER TABLE cases ADD CONSTRAINT cases_source_submitter_check
  CHECK ((source_ref IS NULL) = (source_submitter IS NULL));

-- The old key was narrower, so no two existing rows can collide under the new one.
DROP INDEX cases_source_idx;
CREATE UNIQUE INDEX cases_source_idx ON cases (channel, source_submitter, source_ref)
  WHERE source_ref IS NOT NULL;
