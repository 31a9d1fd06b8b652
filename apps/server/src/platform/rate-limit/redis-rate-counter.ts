import type { Redis } from 'ioredis';
import { estimate, windowsAt, type RateCount } from './rate-counter.js';

// One round trip, atomic: count this hit in its window, set the window to expire once nothing can
// read it any more (it serves as "previous" for one more window), and read the previous window.
const HIT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local prev = redis.call('GET', KEYS[2])
return {hits, tonumber(prev) or 0}
`;

/**
 * The sliding-window counter of `RateCounter`, kept in Redis instead of the database: the same
 * windows and the same `estimate`, so a limit means the same on either store (ADR 0036). Keys are
 * `<prefix>:rate:<key>:<window start ms>` and expire by themselves; nothing needs sweeping.
 */
export class RedisRateCounter {
  private constructor(
    readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  /**
   * Connects and checks the server answers; throws (and leaves nothing open) when it does not. A
   * command never waits for a lost connection: it fails at once, and the caller decides what then.
   */
  static async open(
    url: string,
    prefix: string,
    opts: { now?: () => number; commandTimeoutMs?: number } = {},
  ): Promise<RedisRateCounter> {
    // Loaded only by installations that set REDIS_URL.
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 1000,
      connectTimeout: 5000,
      // Named, so an operator (or a test) can tell this connection apart in CLIENT LIST.
      connectionName: `${prefix}-rate-limits`,
      // Keep trying in the background after a loss; every second at most.
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    // An 'error' event without a listener would crash the process; the caller watches `ready`.
    redis.on('error', () => {});
    try {
      await redis.connect();
      await redis.ping();
    } catch (e) {
      redis.disconnect();
      throw e;
    }
    return new RedisRateCounter(redis, prefix, opts.now ?? Date.now);
  }

  /** Whether commands can be sent now (connected, not reconnecting). */
  get ready(): boolean {
    return this.redis.status === 'ready';
  }

  /** Records one hit for `key` and returns the estimate including it, judged against `limit`. */
  async hit(key: string, windowSeconds: number, limit: number): Promise<RateCount> {
    const { current, previous, elapsed, windowMs } = windowsAt(this.now(), windowSeconds);
    const base = `${this.prefix}:rate:${key}:`;
    const [hits, prev] = (await this.redis.eval(
      HIT,
      2,
      base + current.getTime(),
      base + previous.getTime(),
      String(2 * windowMs + 1000),
    )) as [number, number];
    return estimate(Number(hits), Number(prev), elapsed, windowMs, limit);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
