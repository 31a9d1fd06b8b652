import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  freePort,
  pub,
  registerDevice,
  Subscriber,
  until,
  type Device,
  type Session,
} from './mqtt-support.js';
import { childEnv, cliJs, run, signIn, startServer, tempDir, type Running } from './support.js';

/**
 * The same guarantees behind an external broker: Debian's Mosquitto 2, started here on free
 * loopback ports with the password, ACL and listener files `civitas mqtt mosquitto-config`
 * generates (the machine's shared Mosquitto at :1883 is left alone), and Civitas subscribed to it
 * with MQTT_URL. Device C cannot publish on B's topics or command topics, cannot read B's
 * downstream topics, cannot take B's client id; B receives the platform's command.
 * PostgreSQL, so that the CLI can regenerate the files while the server runs.
 */
const MOSQUITTO = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';
const available = fs.existsSync(MOSQUITTO);
if (!available && process.env.CI) throw new Error(`CI needs Mosquitto at ${MOSQUITTO}`);
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const password = 'demo-pass-123';

const dbName = `civitas_acl_${randomBytes(5).toString('hex')}`;
const dir = tempDir('mosqacl');
let env: NodeJS.ProcessEnv;
let broker: ChildProcess | null = null;
let server: Running | null = null;
let devicePort = '';
let s: Session;
let b: Device;
let c: Device;
let f: Device;
let apikey: string;
const subs: Subscriber[] = [];

const portOpen = (port: number) =>
  new Promise<boolean>((r) => {
    const sock = net.connect(port, '127.0.0.1', () => (sock.destroy(), r(true)));
    sock.on('error', () => r(false));
  });

async function generate(): Promise<string> {
  const r = await run(
    [
      cliJs,
      'mqtt',
      'mosquitto-config',
      '--out',
      dir,
      '--device-port',
      devicePort,
      '--platform-port',
      String(platformPort),
    ],
    env,
    120_000,
  );
  if (r.code !== 0) throw new Error(`mosquitto-config failed: ${r.stdout}${r.stderr}`);
  // Mosquitto started as root drops to its own user; in production the files belong to its group.
  for (const f of ['passwd', 'acl', 'mosquitto.conf']) fs.chmodSync(path.join(dir, f), 0o644);
  return r.stdout;
}
let platformPort = 0;

const creds = (d: Device) => ['-p', devicePort, '-u', d.token, '-P', d.token];
const base = () => server!.url;
const command = (d: Device, body: Record<string, unknown>) =>
  api<{ requestId: number; status: string; response: unknown }>(
    base(),
    s,
    'POST',
    `/api/v1/devices/${d.id}/rpc`,
    body,
  );

beforeAll(async () => {
  if (!available) return;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  fs.chmodSync(dir, 0o777);
  devicePort = String(await freePort());
  platformPort = await freePort();
  env = childEnv({
    DATA_DIR: dir,
    DATABASE_URL: url.toString(),
    SECRET_KEY: randomBytes(32).toString('hex'),
    MQTT_USERNAME: 'civitas-platform',
    MQTT_PASSWORD: randomBytes(12).toString('hex'),
  });
  // No devices yet: the platform user only. Then the broker, then Civitas subscribed to it.
  await generate();
  broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  await until('Mosquitto listens', () => portOpen(platformPort), Boolean);
  server = await startServer({
    ...env,
    PORT: '0',
    DEMO: 'true',
    DEMO_SIMULATOR: 'false',
    DEMO_PASSWORD: password,
    MQTT_URL: `mqtt://127.0.0.1:${platformPort}`,
  });
  s = await signIn(base(), 'demo-community-1', password);
  b = await registerDevice(base(), s, { prefix: 'B' });
  c = await registerDevice(base(), s, { prefix: 'C' });
  const group = await api<{ id: string; apikey: string }>(base(), s, 'POST', '/api/v1/api-key-groups', {
    name: 'acl',
    orgUnitId: b.orgUnitId,
  });
  apikey = group.apikey;
  f = await registerDevice(base(), s, { prefix: 'F', apiKeyGroupId: group.id });
  // New devices: regenerate the files and have Mosquitto re-read them (SIGHUP).
  expect(await generate()).toMatch(/[1-9]\d* devices/);
  broker.kill('SIGHUP');
  await until(
    'B may sign in',
    () =>
      pub(devicePort, [...creds(b).slice(2), '-t', `v1/devices/${b.token}/attributes`, '-m', '{"hello":1}']),
    (r) => r.code === 0,
  );
}, 240_000);

afterAll(async () => {
  await Promise.all(subs.map((x) => x.stop()));
  await server?.stop();
  const bk = broker;
  if (bk && bk.exitCode === null) await new Promise((r) => (bk.once('exit', r), bk.kill('SIGTERM')));
  if (!available) return;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

describe.skipIf(!available)('device isolation behind Mosquitto with the generated ACL', () => {
  it('C cannot publish as B or on command topics, cannot read B’s downstream topics nor take its client id; B gets the platform’s command', async () => {
    const bSub = new Subscriber(devicePort, [
      ...creds(b).slice(2),
      '-t',
      `v1/devices/${b.token}/rpc/request/+`,
      '-t',
      `v1/devices/${b.token}/attributes/shared`,
    ]);
    subs.push(bSub);
    expect(await bSub.ready).toEqual([1, 1]);
    // C's forgeries: B's telemetry, B's command topics, a shared-attribute push. Mosquitto acknowledges
    // them (MQTT 3.1.1 has no negative PUBACK) and delivers them to no one.
    for (const [topic, body] of [
      [`v1/devices/${b.token}/telemetry`, '{"pm25":999}'],
      [`v1/devices/${b.token}/rpc/request/42`, '{"method":"reboot"}'],
      [`v1/devices/${b.token}/attributes/shared`, '{"firmwareUrl":"http://evil.example"}'],
    ] as const) {
      expect((await pub(devicePort, [...creds(c).slice(2), '-r', '-t', topic, '-m', body])).code).toBe(0);
    }
    const first = await command(b, { method: 'ping', oneway: true });
    expect(first.status).toBe('delivered');
    expect(await bSub.next()).toMatchObject({
      topic: `v1/devices/${b.token}/rpc/request/${first.requestId}`,
    });
    const latest = await api<{ metrics: unknown[] }>(base(), s, 'GET', `/api/v1/devices/${b.id}/latest`);
    expect(latest.metrics).toEqual([]);

    // C listens on B's topics (Mosquitto grants the filter but delivers nothing the ACL denies),
    // and tries B's token as client id, which the broker replaces by C's own username.
    const cSub = new Subscriber(devicePort, [
      ...creds(c).slice(2),
      '-i',
      b.token,
      '-t',
      `v1/devices/${b.token}/rpc/request/+`,
      '-t',
      `v1/devices/${b.token}/attributes/shared`,
      '-t',
      `v1/devices/${c.token}/rpc/request/+`,
    ]);
    subs.push(cSub);
    await cSub.ready;
    const second = await command(b, { method: 'status', params: { full: true }, oneway: true });
    const got = await bSub.next();
    expect(got.topic).toBe(`v1/devices/${b.token}/rpc/request/${second.requestId}`);
    const own = await command(c, { method: 'own', oneway: true });
    expect(await cSub.next()).toMatchObject({ topic: `v1/devices/${c.token}/rpc/request/${own.requestId}` });
    // B was never disconnected by C's attempt on its client id.
    expect(bSub.connects).toBe(1);
    expect(bSub.running).toBe(true);
  });

  it('a two-way command is answered through the broker', async () => {
    const bSub = new Subscriber(devicePort, [
      ...creds(b).slice(2),
      '-t',
      `v1/devices/${b.token}/rpc/request/+`,
    ]);
    subs.push(bSub);
    await bSub.ready;
    const pending = command(b, { method: 'getFw', timeoutMs: 20_000 });
    const req = await bSub.next();
    const id = req.topic.split('/').pop()!;
    await bSub.stop(); // the answer comes from a new connection with B's credential, which takes B's id
    // Behind Mosquitto, devices may speak MQTT 5 (the embedded broker takes 3.1 and 3.1.1 only).
    const answer = ['-V', 'mqttv5', '-t', `v1/devices/${b.token}/rpc/response/${id}`, '-m', '{"fw":"2.1"}'];
    expect((await pub(devicePort, [...creds(b).slice(2), ...answer])).code).toBe(0);
    expect(await pending).toMatchObject({ status: 'succeeded', response: { fw: '2.1' } });
  });

  it('FIWARE: the API key reads its devices’ /cmd topic and answers on cmdexe; a device token reads nothing there', async () => {
    const key = ['-u', apikey, '-P', apikey];
    const fSub = new Subscriber(devicePort, [...key, '-t', `/${apikey}/${f.code}/cmd`]);
    const spy = new Subscriber(devicePort, [
      ...creds(c).slice(2),
      '-t',
      `/${apikey}/${f.code}/cmd`,
      '-t',
      `v1/devices/${c.token}/rpc/request/+`,
    ]);
    subs.push(fSub, spy);
    await Promise.all([fSub.ready, spy.ready]);
    const pending = command(f, { method: 'setLed', params: 'on', timeoutMs: 20_000 });
    expect(await fSub.next()).toMatchObject({
      topic: `/${apikey}/${f.code}/cmd`,
      payload: '{"setLed":"on"}',
    });
    await fSub.stop();
    expect(
      (await pub(devicePort, [...key, '-t', `/json/${apikey}/${f.code}/cmdexe`, '-m', '{"setLed":"OK"}']))
        .code,
    ).toBe(0);
    expect(await pending).toMatchObject({ protocol: 'fiware', status: 'succeeded', response: 'OK' });
    const own = await command(c, { method: 'own', oneway: true });
    expect((await spy.next()).topic).toBe(`v1/devices/${c.token}/rpc/request/${own.requestId}`);
  });
});
