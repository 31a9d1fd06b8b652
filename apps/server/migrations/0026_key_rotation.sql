-- SECRET_KEY rotation (ADR 0042). `civitas key rotate` walks each table holding ciphertext or a
-- blind index in primary-key order, one transaction per batch, and records here how far it got,
-- so a run that was killed resumes after the last committed batch instead of starting over.
CREATE TABLE key_rotation_progress (
  table_name text PRIMARY KEY,
  target_key text NOT NULL,
  after_id text,
  scanned bigint NOT NULL DEFAULT 0,
  rewritten bigint NOT NULL DEFAULT 0,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);

-- The audit root of every key that has keyed the audit chain, sealed under the current key: the
-- chain is never re-hashed, so entries HMAC-keyed before a rotation verify with the archived key
-- once the old SECRET_KEY is gone. The rotation walk re-encrypts `sealed` like any other column.
CREATE TABLE audit_chain_keys (
  key_id text PRIMARY KEY,
  sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Which chain key the head was written with: a writer holding another key first appends an
-- `audit.chain_rekeyed` entry naming its key. Existing chains are keyed by their marker's key.
ALTER TABLE audit_head ADD COLUMN key_id text;
UPDATE audit_head SET key_id = (
  SELECT detail ->> 'keyId' FROM audit_log WHERE action = 'audit.chain_keyed' ORDER BY seq LIMIT 1
);
