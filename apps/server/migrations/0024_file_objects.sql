-- Attachments in the database for a cluster (FILE_STORE=database, platform/files/database-file-store.ts,
-- ADR 0040): one row per object, its bytes in fixed-size chunks, so a read streams chunk by chunk
-- and no statement carries more than one chunk.

-- `completed_at` is NULL while a put is still writing chunks: such a row is not an object yet
-- (not readable, not listed), and one left by a crashed process is removed at the next open.
CREATE TABLE file_objects (
  key text PRIMARY KEY CHECK (key ~ '^[0-9a-f]{32}$'),
  size bigint CHECK (size >= 0),
  sha256 text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  chunk_count integer CHECK (chunk_count >= 0),
  started_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  CHECK ((completed_at IS NULL) OR (size IS NOT NULL AND sha256 IS NOT NULL AND chunk_count IS NOT NULL))
);
-- The open-time sweep looks only at unfinished puts.
CREATE INDEX file_objects_unfinished ON file_objects (started_at) WHERE completed_at IS NULL;

CREATE TABLE file_chunks (
  key text NOT NULL REFERENCES file_objects (key) ON DELETE CASCADE,
  seq integer NOT NULL CHECK (seq >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (key, seq)
);
-- Photos and documents are already compressed: TOAST's compression attempt would only cost CPU.
ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
