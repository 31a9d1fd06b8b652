import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, mainJs, run, scratchDatabase, startServer, tempDir, type Running } from './support.js';

/**
 * ADR 0036: two real server processes on one PostgreSQL database, as behind a load balancer. The
 * routes' own limits (here Open311's 300 reads a minute per address) are counted once for both,
 * in the database by default and in Redis with REDIS_URL; a per-process store let 600 through.
 */
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await new Promise<boolean>((resolve) => {
  const u = new URL(REDIS);
  const s = net.connect({ host: u.hostname, port: Number(u.port || 6379), timeout: 2000 }, () => {
    s.destroy();
    resolve(true);
  });
  s.on('error', () => resolve(false));
  s.on('timeout', () => (s.destroy(), resolve(false)));
});
if (!redisUp && process.env.CI) throw new Error(`CI needs Redis at ${REDIS}`);

const READS = 300; // open311.routes.ts readLimit
const prefix = `p${randomBytes(5).toString('hex')}`;
let scratch: { url: string; drop: () => Promise<void> };
let base: Record<string, string>;
const running: Running[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase('civitas_rl');
  base = {
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('base64'),
    PORT: '0',
    ROLE: 'web',
    DATA_DIR: tempDir('rl'),
  };
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await scratch?.drop();
  if (redisUp) {
    const admin = new Redis(REDIS);
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length) await admin.del(...keys);
    await admin.quit();
  }
});

// One after the other: two first starts racing on an empty database failed here once while
// migrating (duplicate key in pg_type), which is not what this file tests.
async function pair(env: Record<string, string>): Promise<[Running, Running]> {
  const a = await startServer(childEnv(env));
  running.push(a);
  const b = await startServer(childEnv(env));
  running.push(b);
  return [a, b];
}

/** Windows are clock minutes; a burst straddling a boundary is partly forgiven by design. */
async function freshMinute(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 40_000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
}

async function spreadReads([a, b]: [Running, Running]): Promise<void> {
  await freshMinute();
  for (let i = 0; i < READS; i++) {
    const res = await fetch(`${(i % 2 ? b : a).url}/open311/discovery.json`);
    expect(res.status, `read ${i + 1}`).toBe(200);
  }
  for (const server of [a, b]) {
    const refused = await fetch(`${server.url}/open311/discovery.json`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual([{ code: 429, description: 'Too many requests; slow down.' }]);
  }
}

describe('two processes on one PostgreSQL database', () => {
  it('count Open311 reads once for both in the database', async () => {
    await spreadReads(await pair(base));
  });

  it.runIf(redisUp)('count them once for both in Redis with REDIS_URL', async () => {
    await spreadReads(await pair({ ...base, REDIS_URL: REDIS, REDIS_PREFIX: prefix }));
  });

  it('refuse to start when REDIS_URL does not answer, naming the setting', async () => {
    const out = await run([mainJs], childEnv({ ...base, REDIS_URL: 'redis://127.0.0.1:1' }));
    expect(out.code).not.toBe(0);
    expect(out.stderr).toMatch(/REDIS_URL: cannot reach Redis/);
  });
});
