-- Account recovery without SQL (ADR 0044).
-- A password set by an administrator is temporary: until its owner chooses their own, every
-- session of the account holds no permission and may only change the password.
ALTER TABLE users ADD COLUMN password_must_change boolean NOT NULL DEFAULT false;
-- "Unlock": sign-in throttle counters of an account are keyed by this generation, so moving it
-- on starts every count of the account afresh, whatever the source (the counters themselves live
-- in the shared rate counter, in the database or Redis).
ALTER TABLE users ADD COLUMN login_generation integer NOT NULL DEFAULT 0;

-- The flag decides what a session may do, so changing it must move the access epoch (0008).
DROP TRIGGER users_access_epoch ON users;
CREATE CONSTRAINT TRIGGER users_access_epoch
  AFTER UPDATE OF username, display_name, kind, locale, disabled_at, totp_enabled, password_must_change
  OR DELETE ON users
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_access_epoch();
