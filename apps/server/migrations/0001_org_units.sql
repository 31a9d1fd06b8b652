-- The administrative tree. `path` is the materialized chain of ancestor ids ('/a/b/c/'), so
-- "this unit and everything below it" is one indexed prefix match on both engines.
CREATE TABLE org_units (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('district', 'street', 'township', 'community', 'village', 'grid')),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  parent_id uuid REFERENCES org_units (id),
  path text NOT NULL UNIQUE,
  depth integer NOT NULL,
  boundary jsonb,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX org_units_path_idx ON org_units (path text_pattern_ops);
CREATE INDEX org_units_parent_idx ON org_units (parent_id);

-- H3 cells (resolution 9) that overlap each unit's boundary: a point's cell gives the candidate
-- units, and an exact point-in-polygon test decides.
CREATE TABLE org_unit_cells (
  h3 text NOT NULL,
  unit_id uuid NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
  PRIMARY KEY (h3, unit_id)
);
CREATE INDEX org_unit_cells_unit_idx ON org_unit_cells (unit_id);

CREATE TABLE system_settings (
  key text PRIMARY KEY,
  value text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
