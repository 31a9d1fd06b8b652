-- The access epoch: one counter that every change an access decision depends on moves forward
-- (accounts, grants, ended sessions, the org tree). A process may keep signed-in users and
-- resolved scopes in memory only while the epoch it read them under is still current; it reads
-- the epoch again for each request, so a change committed by any process takes effect at once.
-- See docs/adr/0011-session-cache-and-access-epoch.md.
CREATE TABLE access_epoch (
  id integer PRIMARY KEY CHECK (id = 1),
  n bigint NOT NULL
);
INSERT INTO access_epoch (id, n) VALUES (1, 1);

-- Runs at commit (deferred), once per transaction: the row lock on the counter is taken last, so
-- transactions that also lock sessions or users cannot deadlock on it, and a bulk change moves
-- the counter once. A reader that sees the new value in its snapshot also sees the change.
CREATE FUNCTION bump_access_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('civitas.access_epoch_bumped', true), '') <> 'yes' THEN
    UPDATE access_epoch SET n = n + 1 WHERE id = 1;
    PERFORM set_config('civitas.access_epoch_bumped', 'yes', true);
  END IF;
  RETURN NULL;
END;
$$;

-- Columns an actor or a grant is built from; failed-login counters and TOTP steps are not among them.
CREATE CONSTRAINT TRIGGER users_access_epoch
  AFTER UPDATE OF username, display_name, kind, locale, disabled_at, totp_enabled OR DELETE ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_epoch();
CREATE CONSTRAINT TRIGGER role_grants_access_epoch
  AFTER INSERT OR UPDATE OR DELETE ON role_grants
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_epoch();
-- Only ending a session matters; last_seen_at updates do not move the epoch.
CREATE CONSTRAINT TRIGGER sessions_access_epoch
  AFTER UPDATE OF user_id, csrf_token, expires_at OR DELETE ON sessions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_epoch();
-- Grants carry unit paths and names, and list scopes are resolved to the units under a path.
CREATE CONSTRAINT TRIGGER org_units_access_epoch
  AFTER INSERT OR UPDATE OF path, parent_id, depth, code, name_zh, name_en OR DELETE ON org_units
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_epoch();
