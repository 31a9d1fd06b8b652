import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Logger } from 'pino';
import type { RateCount, RateCounter } from './rate-counter.js';
import { RedisRateCounter } from './redis-rate-counter.js';

type Counted = { current: number; ttl: number };

/**
 * Where the per-route limits of @fastify/rate-limit (`config.rateLimit`: Open311, the sign-in
 * route) count, so that they hold across every process of a cluster (ADR 0036): in the database's
 * shared counter by default, in Redis when REDIS_URL names one. The plugin's own store counts in
 * the process's memory, which multiplied every limit by the number of processes.
 *
 * Redis lost at run time: hits count in the database until it is back, with one warning per
 * outage. The limit keeps holding across processes, since they all fall back to the same
 * database; a client may get up to one more allowance while the counts move between stores.
 */
export class RouteRateLimits {
  private redis: RedisRateCounter | null = null;
  private redisDown = false;

  constructor(
    private readonly database: Pick<RateCounter, 'hit'>,
    private readonly logger: Logger,
  ) {}

  /** Counts in Redis from now on; throws when it cannot be reached (the caller names REDIS_URL). */
  async useRedis(url: string, prefix: string): Promise<void> {
    await this.close();
    this.redis = await RedisRateCounter.open(url, prefix);
  }

  /** 'redis' or 'database': where hits count. */
  get store(): 'redis' | 'database' {
    return this.redis ? 'redis' : 'database';
  }

  /** Records one hit for `key`, in Redis when it is attached and answering, else in the database. */
  async hit(key: string, windowSeconds: number, limit: number): Promise<RateCount> {
    const redis = this.redis;
    if (redis?.ready) {
      try {
        const count = await redis.hit(key, windowSeconds, limit);
        if (this.redisDown) {
          this.redisDown = false;
          this.logger.info('Redis is back: route rate limits count there again');
        }
        return count;
      } catch (e) {
        this.lost(e);
      }
    } else if (redis) {
      this.lost(new Error(`connection ${redis.redis.status}`));
    }
    return this.database.hit(key, windowSeconds, limit);
  }

  /** The store class @fastify/rate-limit instantiates (its `store` option). */
  fastifyStore(): FastifyRateLimitStoreCtor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the plugin constructs the class itself
    const limits = this;
    const make = (scope: string): FastifyRateLimitStore => ({
      incr(key, callback, timeWindow, max) {
        const windowMs = Math.max(1, timeWindow);
        limits.hit(`http:${scope}${key}`, windowMs / 1000, max).then(
          (c) => callback(null, counted(c, windowMs)),
          (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
        );
      },
      // One count per route (and per HEAD beside its GET), as the plugin's own stores keep.
      child(routeOptions) {
        const info = (routeOptions as { routeInfo?: { method?: string | string[]; url?: string } }).routeInfo;
        return make(`${[info?.method ?? ''].flat().join(',')} ${info?.url ?? ''}|`);
      },
    });
    return function RouteRateStore() {
      return make('');
    } as unknown as FastifyRateLimitStoreCtor;
  }

  async close(): Promise<void> {
    const redis = this.redis;
    this.redis = null;
    await redis?.close();
  }

  private lost(e: unknown): void {
    if (this.redisDown) return;
    this.redisDown = true;
    this.logger.warn(
      { err: e },
      'Redis (REDIS_URL) is not answering: route rate limits count in the database until it is back',
    );
  }
}

/**
 * The plugin's view of a count: `current` over `max` refuses, and `ttl` becomes Retry-After (when
 * refused) or X-RateLimit-Reset. Refused, it is exactly the wait the sliding window asks for;
 * allowed, it is the rest of the current fixed window, when the count next drops.
 */
function counted(c: RateCount, windowMs: number): Counted {
  if (!c.allowed) return { current: c.count, ttl: c.retryAfterSeconds * 1000 };
  return { current: c.count, ttl: windowMs - (Date.now() % windowMs) };
}
