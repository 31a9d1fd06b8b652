import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface RateCount {
  /** Sliding-window estimate of hits in the last window, this one included. */
  count: number;
  /** Whether `count` is within the limit asked about. */
  allowed: boolean;
  /** Seconds until the estimate is back under the limit (0 when it is under now). */
  retryAfterSeconds: number;
}

// Rows are swept after this many hits in a process: cheap, and no job to schedule.
const SWEEP_EVERY = 500;
const KEEP_MS = 24 * 3600_000;

/**
 * Counts events per key in the database, so a limit holds across every process of a cluster
 * (a per-process counter would multiply the limit by the number of processes behind the load
 * balancer). The estimate is the sliding-window approximation: this window's hits plus the
 * previous window's, weighted by how much of it still overlaps the last `windowSeconds`. A burst
 * straddling a boundary therefore cannot double the limit, as a plain fixed window would allow.
 */
export class RateCounter {
  private sinceSweep = 0;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records one hit for `key` and returns the estimate including it, judged against `limit`. */
  async hit(key: string, windowSeconds: number, limit: number): Promise<RateCount> {
    const { current, previous, elapsed, windowMs } = this.windows(windowSeconds);
    const r = await sql<{ hits: number; prev: number | null }>`
      WITH up AS (
        INSERT INTO rate_counters (key, window_start, hits) VALUES (${key}, ${current}, 1)
        ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1
        RETURNING hits
      )
      SELECT up.hits,
        (SELECT hits FROM rate_counters WHERE key = ${key} AND window_start = ${previous}) AS prev
      FROM up`.execute(this.db);
    if (++this.sinceSweep >= SWEEP_EVERY) {
      this.sinceSweep = 0;
      await this.sweep();
    }
    const row = r.rows[0]!;
    return estimate(Number(row.hits), Number(row.prev ?? 0), elapsed, windowMs, limit);
  }

  /** The estimate for `key` without recording a hit: is one more hit within `limit`? */
  async peek(key: string, windowSeconds: number, limit: number): Promise<RateCount> {
    const { current, previous, elapsed, windowMs } = this.windows(windowSeconds);
    const rows = await this.db
      .selectFrom('rate_counters')
      .select(['window_start', 'hits'])
      .where('key', '=', key)
      .where('window_start', 'in', [current, previous])
      .execute();
    const at = (d: Date) => rows.find((x) => x.window_start.getTime() === d.getTime())?.hits ?? 0;
    return estimate(at(current), at(previous), elapsed, windowMs, limit - 1);
  }

  /** Forgets every count of `key` (e.g. after a successful sign-in). */
  async reset(key: string): Promise<void> {
    await this.db.deleteFrom('rate_counters').where('key', '=', key).execute();
  }

  async sweep(): Promise<void> {
    await this.db
      .deleteFrom('rate_counters')
      .where('window_start', '<', new Date(this.now() - KEEP_MS))
      .execute();
  }

  private windows(windowSeconds: number) {
    return windowsAt(this.now(), windowSeconds);
  }
}

/** The fixed window holding `t`, the one before it, and how far into it `t` is. */
export function windowsAt(t: number, windowSeconds: number) {
  const windowMs = Math.max(1, Math.round(windowSeconds * 1000));
  const start = Math.floor(t / windowMs) * windowMs;
  return {
    current: new Date(start),
    previous: new Date(start - windowMs),
    elapsed: t - start,
    windowMs,
  };
}

/**
 * count = current + ⌊previous · (W − elapsed) / W⌋, in integer milliseconds so that a boundary is
 * exact (a float product can land a hair on the wrong side of it). While `current` is under the
 * limit, waiting lets the previous window's weight shrink; once `current` alone is over it, only the
 * next window helps, where this window becomes the shrinking one.
 */
export function estimate(
  current: number,
  previous: number,
  elapsed: number,
  windowMs: number,
  limit: number,
): RateCount {
  const weighted = (hits: number, at: number) => Math.floor((hits * (windowMs - at)) / windowMs);
  // The first whole millisecond t of a window at which ⌊hits · (W − t) / W⌋ ≤ room.
  const firstAllowed = (hits: number, room: number) => Math.floor(((hits - room - 1) * windowMs) / hits) + 1;
  const count = current + weighted(previous, elapsed);
  if (count <= limit) return { count, allowed: true, retryAfterSeconds: 0 };
  const waitMs =
    current <= limit
      ? firstAllowed(previous, limit - current) - elapsed
      : windowMs - elapsed + firstAllowed(current, limit);
  return { count, allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}
