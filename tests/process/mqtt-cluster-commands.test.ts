import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  freePort,
  mqttPortOf,
  pub,
  registerDevice,
  Subscriber,
  type Device,
  type Session,
} from './mqtt-support.js';
import { childEnv, scratchDatabase, signIn, startServer, tempDir, type Running } from './support.js';

/**
 * Two Civitas processes on one PostgreSQL database, each with its own embedded broker: a command
 * or attribute change made through process A reaches a device connected to process B's broker
 * (LISTEN/NOTIFY, ADR 0018), and its answer comes back to the caller at A. With the bus on NATS
 * (ADR 0024), a live view attached to B sees a reading a device published to A; so does one on D
 * for a reading published to C, two more processes that leave BUS_URL unset and so carry the bus
 * on the database (LISTEN/NOTIFY and a work table).
 */
const natsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const busPrefix = `t${randomBytes(5).toString('hex')}`;
const password = 'demo-pass-123';
let scratch: { url: string; drop: () => Promise<void> };
let a: Running;
let b: Running;
let c: Running;
let d: Running;
let s: Session;
let device: Device;
const subs: Subscriber[] = [];

beforeAll(async () => {
  scratch = await scratchDatabase('civitas_cluster');
  const shared = {
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    PORT: '0',
    DEMO: 'true',
    DEMO_SIMULATOR: 'false',
    DEMO_PASSWORD: password,
    BUS_URL: natsUrl,
    BUS_PREFIX: busPrefix,
  };
  // One after the other: the first start loads the demo district, the second finds it.
  a = await startServer(
    childEnv({ ...shared, DATA_DIR: tempDir('clusterA'), MQTT_PORT: String(await freePort()) }),
  );
  b = await startServer(
    childEnv({ ...shared, DATA_DIR: tempDir('clusterB'), MQTT_PORT: String(await freePort()) }),
  );
  const { BUS_URL: _nats, BUS_PREFIX: _prefix, ...onPostgres } = shared;
  c = await startServer(
    childEnv({ ...onPostgres, DATA_DIR: tempDir('clusterC'), MQTT_PORT: String(await freePort()) }),
  );
  d = await startServer(
    childEnv({ ...onPostgres, DATA_DIR: tempDir('clusterD'), MQTT_PORT: String(await freePort()) }),
  );
  s = await signIn(a.url, 'demo-community-1', password);
  device = await registerDevice(a.url, s, { prefix: 'CL' });
}, 240_000);

afterAll(async () => {
  await Promise.all(subs.map((x) => x.stop()));
  await a?.stop();
  await b?.stop();
  await c?.stop();
  await d?.stop();
  await scratch?.drop();
  const nc = await connect({ servers: natsUrl });
  await (await jetstreamManager(nc)).streams.delete(`${busPrefix.toUpperCase()}_WORK`).catch(() => false);
  await nc.close();
});

/** Reads server-sent events from `url` until `match` is seen; resolves with the time it took from `t0`. */
async function seeOnLive(base: string, session: Session, match: (event: string, data: string) => boolean) {
  const abort = new AbortController();
  const res = await fetch(`${base}/api/v1/live`, {
    headers: { cookie: session.cookie },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const opened = (async () => {
    // The stream is open once the server's first line (retry:) arrives.
    while (!buffer.includes('retry:'))
      buffer += decoder.decode((await reader.read()).value, { stream: true });
  })();
  await opened;
  return {
    seen: (async () => {
      for (;;) {
        const frames = buffer.split('\n\n');
        buffer = frames.pop()!;
        for (const f of frames) {
          const event = /^event: (.*)$/m.exec(f)?.[1];
          const data = /^data: (.*)$/m.exec(f)?.[1];
          if (event && data && match(event, data)) {
            abort.abort();
            return Date.now();
          }
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the live stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    })(),
    close: () => abort.abort(),
  };
}

describe.each([
  ['NATS', () => [a, b] as const, 417.25],
  ['PostgreSQL LISTEN/NOTIFY', () => [c, d] as const, 418.5],
])('live views across processes (bus on %s)', (_name, pair, marker) => {
  it('a reading published to one process’s broker reaches a live view on the other within a second', async () => {
    const [from, to] = pair();
    const sb = await signIn(to.url, 'demo-community-1', password);
    const live = await seeOnLive(
      to.url,
      sb,
      (event, data) => event === 'telemetry.stored' && data.includes(String(marker)),
    );
    const t0 = Date.now();
    await pub(mqttPortOf(from), [
      '-u',
      device.token,
      '-t',
      'v1/devices/me/telemetry',
      '-q',
      '1',
      '-m',
      `{"pm25":${marker}}`,
    ]);
    const t1 = await Promise.race([
      live.seen,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('not seen within 10 s')), 10_000)),
    ]).finally(live.close);
    expect(t1 - t0).toBeLessThan(1_000);
  });
});

describe('commands across processes (PostgreSQL)', () => {
  it('a command issued at A reaches the device on B’s broker and A gets its answer', async () => {
    const sub = new Subscriber(mqttPortOf(b), ['-u', device.token, '-t', 'v1/devices/me/rpc/request/+']);
    subs.push(sub);
    await sub.ready;
    const pending = api<{ status: string; response: unknown }>(
      a.url,
      s,
      'POST',
      `/api/v1/devices/${device.id}/rpc`,
      {
        method: 'where',
        timeoutMs: 20_000,
      },
    );
    const req = await sub.next();
    const id = req.topic.split('/').pop()!;
    await pub(mqttPortOf(b), [
      '-u',
      device.token,
      '-t',
      `v1/devices/me/rpc/response/${id}`,
      '-m',
      '{"process":"B"}',
    ]);
    expect(await pending).toMatchObject({ status: 'succeeded', response: { process: 'B' } });
  });

  it('a shared attribute set at A is pushed by B', async () => {
    const sub = new Subscriber(mqttPortOf(b), ['-u', device.token, '-t', 'v1/devices/me/attributes']);
    subs.push(sub);
    await sub.ready;
    const r = await api<{ push: string }>(a.url, s, 'PUT', `/api/v1/devices/${device.id}/attributes`, {
      shared: { interval: 30 },
    });
    expect(r.push).toBe('offered');
    expect(JSON.parse((await sub.next()).payload)).toEqual({ interval: 30 });
  });

  it('a command for a device connected nowhere fails as not_connected', async () => {
    await Promise.all(subs.splice(0).map((x) => x.stop()));
    const r = await api<{ status: string; error: string }>(
      a.url,
      s,
      'POST',
      `/api/v1/devices/${device.id}/rpc`,
      {
        method: 'nobody',
        oneway: true,
      },
    );
    expect(r).toMatchObject({ status: 'failed', error: 'not_connected' });
  });
});
