-- Open311 GeoReport v2 (docs/open311.md): API keys that administrators issue to integrators, and
-- what an Open311 request carries beyond the case itself. The case is written by the case
-- service like every other channel; these rows only point at it.

-- Only the SHA-256 of a key is stored, like API tokens (0002): a leaked table cannot be replayed.
-- The key holds for its org unit's subtree: an integrator may post only inside it.
CREATE TABLE open311_api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  prefix text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  org_unit_id uuid NOT NULL REFERENCES org_units (id),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id)
);
CREATE INDEX open311_api_keys_unit_idx ON open311_api_keys (org_unit_id);

-- One row per case that came in through POST requests: the integrator (api key) that sent it,
-- the public media URL and address id, and the submitter's contact. The contact is personal data:
-- AES-256-GCM ciphertext plus masks for staff lists (like residents, 0004); never in Open311 reads.
CREATE TABLE open311_requests (
  case_id uuid PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
  api_key_id uuid NOT NULL REFERENCES open311_api_keys (id),
  media_url text,
  address_id text,
  contact_enc text,
  email_mask text,
  phone_mask text,
  name_mask text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX open311_requests_key_idx ON open311_requests (api_key_id, created_at);
