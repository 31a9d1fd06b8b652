-- The registry epoch: one counter that every change to what a resident list page shows moves
-- forward (residents, the building names and the grid codes joined into a page). A process may
-- answer a list page from memory only while the epoch it built the page under is still current;
-- it reads the epoch again for each list request, so a change committed by any process shows at
-- once. The access epoch (0008) works the same way for sessions and scopes.
-- See docs/adr/0016-resident-page-cache.md.
CREATE TABLE registry_epoch (
  id integer PRIMARY KEY CHECK (id = 1),
  n bigint NOT NULL
);
INSERT INTO registry_epoch (id, n) VALUES (1, 1);

-- Deferred to commit and run once per transaction, as bump_access_epoch: the row lock on the
-- counter is taken last (no deadlock with the audit head or resident rows), and an import batch
-- moves it once. A reader that sees the new value in its snapshot also sees the change.
CREATE FUNCTION bump_registry_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('civitas.registry_epoch_bumped', true), '') <> 'yes' THEN
    UPDATE registry_epoch SET n = n + 1 WHERE id = 1;
    PERFORM set_config('civitas.registry_epoch_bumped', 'yes', true);
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER residents_registry_epoch
  AFTER INSERT OR UPDATE OR DELETE ON residents
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_registry_epoch();
-- A page shows the building's name and the grid's code.
CREATE CONSTRAINT TRIGGER buildings_registry_epoch
  AFTER UPDATE OF name OR DELETE ON buildings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_registry_epoch();
CREATE CONSTRAINT TRIGGER org_units_registry_epoch
  AFTER UPDATE OF code, path OR DELETE ON org_units
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_registry_epoch();
