import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { ConfigError, loadConfig } from '../../config.js';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { expectSchema } from '../../test-support/open311-support.js';
import { createSiblingApp, createTestApp, type TestApp } from '../../test-support/test-app.js';
import type { App } from '../http/http-server.js';
import { RateCounter } from './rate-counter.js';
import { RouteRateLimits } from './route-rate-limits.js';

// ADR 0036: every rate limit holds across processes. Each test spreads its hits over two apps on
// one database (on PostgreSQL with their own pools), as two processes behind a load balancer; a
// per-process store lets through twice the limit here.

const REDIS = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await new Promise<boolean>((resolve) => {
  const u = new URL(REDIS);
  const s = net.connect({ host: u.hostname, port: Number(u.port || 6379), timeout: 2000 }, () => {
    s.destroy();
    resolve(true);
  });
  s.on('error', () => resolve(false));
  s.on('timeout', () => (s.destroy(), resolve(false)));
});
if (!redisUp && process.env.CI) throw new Error(`CI needs Redis at ${REDIS} for the shared rate limit tests`);

const OPEN311_READS = 300; // open311.routes.ts readLimit, per minute and address
const SIGN_IN_ROUTE = 30; // auth.routes.ts, per minute and address

/**
 * Windows are clock minutes, and a burst straddling a boundary is partly forgiven by design
 * (sliding-window estimate): start a burst early enough in a minute to finish inside it.
 */
async function freshMinute(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
}

const discovery = (app: App, ip: string) =>
  app.inject({ method: 'GET', url: '/open311/discovery.json', remoteAddress: ip });
const signIn = (app: App, ip: string, payload: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: ip, payload });

/** Spreads `n` requests over the two apps, alternating, and expects every one admitted. */
async function spread(apps: [App, App], n: number, send: (app: App) => Promise<LightMyRequestResponse>) {
  for (let i = 0; i < n; i++) {
    const res = await send(apps[i % 2]!);
    expect(res.statusCode, `request ${i + 1}: ${res.body}`).not.toBe(429);
  }
}

function sharedLimitTests(setup: () => { a: App; b: App }, where: string) {
  it(`Open311: ${OPEN311_READS} reads a minute per address over both processes, then 429 from either (${where})`, async () => {
    const { a, b } = setup();
    const ip = `203.0.113.${10 + Math.floor(Math.random() * 200)}`;
    await freshMinute();
    await spread([a, b], OPEN311_READS, (app) => discovery(app, ip));
    for (const app of [a, b]) {
      const refused = await discovery(app, ip);
      expect(refused.statusCode).toBe(429);
      // The spec's error shape, as every Open311 error, with the wait in Retry-After.
      const body = refused.json<{ code: number; description: string }[]>();
      expectSchema('errors', body);
      expect(body).toEqual([{ code: 429, description: 'Too many requests; slow down.' }]);
      const retry = Number(refused.headers['retry-after']);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
      // The refusal stopped the request: no discovery document.
      expect(refused.body).not.toContain('endpoints');
    }
    // Another address has its own allowance.
    expect((await discovery(b, '198.51.100.99')).statusCode).toBe(200);
  });

  it(`the sign-in route: ${SIGN_IN_ROUTE} a minute per address over both processes, then problem+json rate_limited (${where})`, async () => {
    const { a, b } = setup();
    const ip = `192.0.2.${10 + Math.floor(Math.random() * 200)}`;
    await freshMinute();
    // Malformed sign-ins (400) count like any other: the limit comes before the body is read.
    await spread([a, b], SIGN_IN_ROUTE, (app) => signIn(app, ip));
    const refused = await signIn(b, ip, { username: 'gw1', password: FIXTURE_PASSWORD });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const retry = Number(refused.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfterSeconds: retry,
      requestId: refused.headers['x-request-id'],
    });
    // Even the right password signs nobody in while refused.
    expect(refused.cookies).toEqual([]);
    expect((await signIn(a, ip, { username: 'gw1', password: FIXTURE_PASSWORD })).statusCode).toBe(429);
  });
}

describe('route limits counted in the database', () => {
  let t: TestApp;
  let b: App;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
    b = await createSiblingApp(t, { LOGIN_MAX_FAILURES: '3' });
  });

  const httpRows = async () =>
    (
      await t.services.database.db
        .selectFrom('rate_counters')
        .select('key')
        .where('key', 'like', 'http:%')
        .execute()
    ).length;
  sharedLimitTests(() => ({ a: t.app, b }), 'database');

  it('keeps the counts in the shared table', async () => {
    expect(await httpRows()).toBeGreaterThan(0);
  });

  it('sign-in throttling holds across the two processes', async () => {
    const ip = '198.51.100.42';
    expect((await signIn(t.app, ip, { username: 'gw2', password: 'wrong-password' })).statusCode).toBe(401);
    expect((await signIn(b, ip, { username: 'gw2', password: 'wrong-password' })).statusCode).toBe(401);
    expect((await signIn(t.app, ip, { username: 'gw2', password: 'wrong-password' })).statusCode).toBe(401);
    for (const app of [b, t.app]) {
      const refused = await signIn(app, ip, { username: 'gw2', password: FIXTURE_PASSWORD });
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ code: 'login_throttled' });
      expect(refused.cookies).toEqual([]);
    }
  });

  it('refuses to start when REDIS_URL names a server that does not answer, naming the setting', async () => {
    const config = loadConfig({
      DATA_DIR: '/nonexistent',
      LOG_LEVEL: 'silent',
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    const err = await buildApp(config, t.services, { webRoot: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('REDIS_URL');
    expect((err as Error).message).toMatch(/^REDIS_URL: cannot reach Redis/);
  });
});

describe.runIf(redisUp)('route limits counted in Redis (REDIS_URL)', () => {
  // A prefix of this run's own, so parallel runs and the two engines' projects never share keys.
  const prefix = `t${randomBytes(6).toString('hex')}`;
  const env = { REDIS_URL: REDIS, REDIS_PREFIX: prefix };
  let admin: Redis;
  let t: TestApp;
  let b: App;
  beforeAll(async () => {
    admin = new Redis(REDIS);
    t = await createTestApp(env);
    b = await createSiblingApp(t, env);
  });
  afterAll(async () => {
    await t.app.close();
    const keys: string[] = [];
    for await (const batch of admin.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<
      string[]
    >)
      keys.push(...batch);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  });

  const httpRows = async () =>
    (
      await t.services.database.db
        .selectFrom('rate_counters')
        .select('key')
        .where('key', 'like', 'http:%')
        .execute()
    ).length;
  sharedLimitTests(() => ({ a: t.app, b }), 'Redis');

  it('keeps the counts in Redis under REDIS_PREFIX, none in the database', async () => {
    expect(await httpRows()).toBe(0);
    const keys = await admin.keys(`${prefix}:rate:http:*`);
    expect(keys.length).toBeGreaterThan(0);
    // Every key expires by itself.
    for (const k of keys.slice(0, 5)) expect(await admin.pttl(k)).toBeGreaterThan(0);
  });

  it('Redis lost at run time: hits count in the database with one warning, and in Redis again once it is back', async () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as never) });
    const limits = new RouteRateLimits(new RateCounter(t.services.database.db), logger);
    const lostPrefix = `${prefix}-lost`;
    await limits.useRedis(REDIS, lostPrefix);
    try {
      expect((await limits.hit('probe', 60, 5)).count).toBe(1);
      const client = String(await admin.client('LIST'))
        .split('\n')
        .find((l) => l.includes(`name=${lostPrefix}-rate-limits`));
      const id = /\bid=(\d+)/.exec(client ?? '')?.[1];
      expect(id).toBeDefined();
      await admin.client('KILL', 'ID', id!);
      // Counted, not failed: in the database while the connection is gone.
      await limits.hit('probe', 60, 5);
      await limits.hit('probe', 60, 5);
      const rows = await t.services.database.db
        .selectFrom('rate_counters')
        .select('hits')
        .where('key', '=', 'probe')
        .execute();
      expect(rows.map((r) => r.hits).reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(1);
      const warnings = lines.filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.msg).toMatch(/REDIS_URL/);
      // ioredis reconnects by itself; then counting moves back.
      for (let i = 0; i < 50 && lines.every((l) => !/Redis is back/.test(l.msg)); i++) {
        await new Promise((r) => setTimeout(r, 100));
        await limits.hit('probe', 60, 5);
      }
      expect(lines.some((l) => l.level === 30 && /Redis is back/.test(l.msg))).toBe(true);
    } finally {
      await limits.close();
    }
  });
});
