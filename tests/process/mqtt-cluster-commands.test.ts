import { randomBytes } from 'node:crypto';
import pg from 'pg';
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
import { childEnv, signIn, startServer, tempDir, type Running } from './support.js';

/**
 * Two Civitas processes on one PostgreSQL database, each with its own embedded broker: a command
 * or attribute change made through process A reaches a device connected to process B's broker
 * (LISTEN/NOTIFY, ADR 0018), and its answer comes back to the caller at A.
 */
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const password = 'demo-pass-123';
const dbName = `civitas_cluster_${randomBytes(5).toString('hex')}`;
let a: Running;
let b: Running;
let s: Session;
let device: Device;
const subs: Subscriber[] = [];

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const shared = {
    DATABASE_URL: url.toString(),
    SECRET_KEY: randomBytes(32).toString('hex'),
    PORT: '0',
    DEMO: 'true',
    DEMO_SIMULATOR: 'false',
    DEMO_PASSWORD: password,
  };
  // One after the other: the first start loads the demo district, the second finds it.
  a = await startServer(
    childEnv({ ...shared, DATA_DIR: tempDir('clusterA'), MQTT_PORT: String(await freePort()) }),
  );
  b = await startServer(
    childEnv({ ...shared, DATA_DIR: tempDir('clusterB'), MQTT_PORT: String(await freePort()) }),
  );
  s = await signIn(a.url, 'demo-community-1', password);
  device = await registerDevice(a.url, s, { prefix: 'CL' });
}, 240_000);

afterAll(async () => {
  await Promise.all(subs.map((x) => x.stop()));
  await a?.stop();
  await b?.stop();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
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
