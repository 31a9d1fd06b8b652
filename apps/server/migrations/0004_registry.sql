CREATE TABLE buildings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  address text NOT NULL,
  grid_id uuid NOT NULL REFERENCES org_units (id),
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  h3 text NOT NULL,
  floors integer,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX buildings_grid_idx ON buildings (grid_id);
CREATE INDEX buildings_h3_idx ON buildings (h3);

CREATE TABLE households (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  building_id uuid NOT NULL REFERENCES buildings (id),
  unit_no text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (building_id, unit_no)
);

-- Personal fields are stored three ways: AES-256-GCM ciphertext (the only way back to the value),
-- a mask for lists, and for exact lookup an HMAC ("blind index") under a separate derived key.
CREATE TABLE residents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_unit_id uuid NOT NULL REFERENCES org_units (id),
  building_id uuid REFERENCES buildings (id),
  household_id uuid REFERENCES households (id),
  name_enc text NOT NULL,
  name_mask text NOT NULL,
  phone_enc text,
  phone_mask text,
  phone_hash text,
  id_number_enc text,
  id_number_mask text,
  id_number_hash text,
  birth_date date,
  gender text NOT NULL DEFAULT 'unknown' CHECK (gender IN ('male', 'female', 'unknown')),
  elderly_living_alone boolean NOT NULL DEFAULT false,
  disability boolean NOT NULL DEFAULT false,
  child boolean NOT NULL DEFAULT false,
  needs_assistance boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX residents_unit_idx ON residents (org_unit_id, created_at, id);
CREATE INDEX residents_building_idx ON residents (building_id);
CREATE INDEX residents_household_idx ON residents (household_id);
CREATE INDEX residents_phone_hash_idx ON residents (phone_hash);
CREATE UNIQUE INDEX residents_id_number_hash_idx ON residents (id_number_hash);

CREATE TABLE import_jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  file_name text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  total_rows integer,
  processed_rows integer NOT NULL DEFAULT 0,
  imported_rows integer NOT NULL DEFAULT 0,
  rejected_rows integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_by uuid NOT NULL REFERENCES users (id),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX import_jobs_user_idx ON import_jobs (created_by, started_at);
