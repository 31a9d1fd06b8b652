import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Readiness } from './readiness.js';
import { runShutdown } from './shutdown.js';
import { DependencyError, reach } from './startup-wait.js';

const log = pino({ level: 'silent' });
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1884'), { code: 'ECONNREFUSED' });

describe('reach (STARTUP_WAIT_SECONDS)', () => {
  it('retries until the dependency answers', async () => {
    let calls = 0;
    const value = await reach(
      'MQTT_URL',
      'mqtt://127.0.0.1:1884',
      async () => {
        if (++calls < 3) throw refused();
        return 'connected';
      },
      { waitSeconds: 5, log },
    );
    expect(value).toBe('connected');
    expect(calls).toBe(3);
  });

  it('fails at once with 0, naming the setting and the target', async () => {
    let calls = 0;
    const err = await reach(
      'MQTT_URL',
      'mqtt://127.0.0.1:1884',
      () => {
        calls++;
        return Promise.reject(refused());
      },
      { waitSeconds: 0, log },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(DependencyError);
    expect((err as Error).message).toBe(
      'cannot reach MQTT_URL mqtt://127.0.0.1:1884: connect ECONNREFUSED 127.0.0.1:1884',
    );
  });

  it('gives up after the bound, and at once when the start is aborted', async () => {
    const t0 = Date.now();
    await expect(
      reach('BUS_URL', 'nats://x', () => Promise.reject(refused()), { waitSeconds: 1, log }),
    ).rejects.toThrow(/^cannot reach BUS_URL nats:\/\/x: /);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - t0).toBeLessThan(3000);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const t1 = Date.now();
    await expect(
      reach('DATABASE_URL', 'pg', () => Promise.reject(refused()), {
        waitSeconds: 60,
        log,
        signal: stop.signal,
      }),
    ).rejects.toBeInstanceOf(DependencyError);
    expect(Date.now() - t1).toBeLessThan(1000);
  });
});

describe('runShutdown (SHUTDOWN_TIMEOUT_SECONDS)', () => {
  it('runs the steps in order and is clean when all finish', async () => {
    const order: string[] = [];
    const r = await runShutdown(
      ['a', 'b', 'c'].map((name) => ({ name, run: async () => void order.push(name) })),
      1000,
      log,
    );
    expect(r).toEqual({ clean: true, open: [], failed: [] });
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('goes on past a failed step but is not clean', async () => {
    const order: string[] = [];
    const r = await runShutdown(
      [
        { name: 'a', run: () => Promise.reject(new Error('boom')) },
        { name: 'b', run: () => void order.push('b') },
      ],
      1000,
      log,
    );
    expect(r.clean).toBe(false);
    expect(r.failed).toEqual(['a']);
    expect(order).toEqual(['b']);
  });

  it('past the bound, names the step still running and those not started', async () => {
    const t0 = Date.now();
    const r = await runShutdown(
      [
        { name: 'http', run: () => undefined },
        { name: 'stuck stream', run: () => new Promise<void>(() => undefined) },
        { name: 'database', run: () => undefined },
      ],
      100,
      log,
    );
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.clean).toBe(false);
    expect(r.open).toEqual(['stuck stream', 'database']);
  });
});

describe('Readiness', () => {
  it('is ready only while every dependency is up; a failing check counts as down', async () => {
    const readiness = new Readiness();
    expect(await readiness.report()).toEqual({ ready: true, dependencies: {} });
    let broker: 'up' | 'down' | 'starting' = 'starting';
    readiness.set('broker', () => broker);
    readiness.set('bus', async () => 'up' as const);
    expect(await readiness.report()).toEqual({
      ready: false,
      dependencies: { broker: 'starting', bus: 'up' },
    });
    broker = 'up';
    expect((await readiness.report()).ready).toBe(true);
    readiness.set('bus', () => {
      throw new Error('gone');
    });
    expect(await readiness.report()).toEqual({ ready: false, dependencies: { broker: 'up', bus: 'down' } });
  });
});
