-- Sign-in failures no longer lock an account (ADR 0022): the lock was a lever anyone could pull
-- against anyone. Failures are counted per (account, source) in rate_counters instead, so the
-- per-account counter and lock time go.
ALTER TABLE users DROP COLUMN locked_until;
ALTER TABLE users DROP COLUMN failed_logins;
