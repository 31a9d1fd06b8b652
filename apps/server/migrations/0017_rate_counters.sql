-- Counters for rate limits that must hold across processes (identifier searches, sign-in
-- failures). One row per key and fixed window; the limiter weighs the previous window to get a
-- sliding estimate. Rows older than a day are swept by the limiter itself.
CREATE TABLE rate_counters (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_window_idx ON rate_counters (window_start);
