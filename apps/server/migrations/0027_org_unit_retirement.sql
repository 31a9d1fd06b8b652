-- Units are retired instead of deleted (ADR 0043): the row, its code and its path stay, so cases,
-- audit entries and reports that name it still resolve. A merged unit is retired with the unit
-- that took over its records in `merged_into_id`.
ALTER TABLE org_units ADD COLUMN status text NOT NULL DEFAULT 'active'
  CHECK (status IN ('active', 'retired'));
ALTER TABLE org_units ADD COLUMN retired_at timestamptz;
ALTER TABLE org_units ADD COLUMN merged_into_id uuid REFERENCES org_units (id);
ALTER TABLE org_units ADD CONSTRAINT org_units_retired_at_check
  CHECK ((status = 'retired') = (retired_at IS NOT NULL));
ALTER TABLE org_units ADD CONSTRAINT org_units_merged_retired_check
  CHECK (merged_into_id IS NULL OR status = 'retired');

-- Retiring a unit changes what scopes and pickers offer: it moves the access epoch like a move.
DROP TRIGGER org_units_access_epoch ON org_units;
CREATE CONSTRAINT TRIGGER org_units_access_epoch
  AFTER INSERT OR UPDATE OF path, parent_id, depth, code, name_zh, name_en, status OR DELETE ON org_units
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_epoch();
