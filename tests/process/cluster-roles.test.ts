import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, registerDevice, until, type Device, type Session } from './mqtt-support.js';
import {
  childEnv,
  MOSQUITTO_PATH,
  portOpen,
  scratchDatabase,
  signIn,
  startMosquitto,
  startServer,
  startWorker,
  tempDir,
  type Daemon,
  type Running,
} from './support.js';

/**
 * A city split by role (docs/deployment.md, ADR 0023): one process serves HTTP only (`web`), one
 * subscribes to the machine's kind of broker only (`ingest`), one runs the periodic jobs only
 * (`jobs`), on one PostgreSQL database whose LISTEN/NOTIFY carries the bus (no BUS_URL). Each
 * does its part and nothing else, and what one does the others see.
 */
const available = fs.existsSync(MOSQUITTO_PATH);
if (!available && process.env.CI) throw new Error(`CI needs Mosquitto (${MOSQUITTO_PATH})`);

const password = 'demo-pass-123';
const tag = `roles${randomBytes(3).toString('hex')}`;
const dir = tempDir('roles');
let scratch: { url: string; drop: () => Promise<void> };
let broker: Daemon;
let mqttPort: number;
let web: Running;
let ingest: Running;
let jobs: Running;
const ports: Record<'web' | 'ingest' | 'jobs', number> = { web: 0, ingest: 0, jobs: 0 };
let db: pg.Client;
let s: Session;
let publisher: MqttClient;

beforeAll(async () => {
  if (!available) return;
  fs.chmodSync(dir, 0o755);
  scratch = await scratchDatabase('civitas_roles');
  mqttPort = await freePort();
  broker = await startMosquitto(dir, mqttPort);
  for (const role of ['web', 'ingest', 'jobs'] as const) ports[role] = await freePort();
  const env = (role: keyof typeof ports) =>
    childEnv({
      DATABASE_URL: scratch.url,
      SECRET_KEY: '5'.repeat(64),
      DEMO: 'true',
      DEMO_SIMULATOR: 'false',
      DEMO_PASSWORD: password,
      MQTT_URL: `mqtt://127.0.0.1:${mqttPort}`,
      // One connection, so the broker hands messages over in the order they were published.
      MQTT_SUBSCRIBER_CONNECTIONS: '1',
      MQTT_CLIENT_ID: `${tag}-${role}`,
      CASE_DEADLINE_INTERVAL_SECONDS: '5',
      PORT: String(ports[role]),
      DATA_DIR: tempDir(`roles-${role}`),
      ROLE: role,
    });
  // The web process first: it migrates and loads the demo district, the others find them.
  web = await startServer(env('web'));
  ingest = await startWorker(env('ingest'), 'ingest');
  jobs = await startWorker(env('jobs'), 'jobs');
  db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
  s = await signIn(web.url, 'demo-community-1', password);
  publisher = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
    clientId: `${tag}-devices`,
    reconnectPeriod: 0,
  });
}, 300_000);

afterAll(async () => {
  await publisher?.endAsync();
  await db?.end();
  await Promise.all([web, ingest, jobs].map((p) => p?.stop()));
  await broker?.stop();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** The first `telemetry.stored` frame of the web process's live stream that mentions `text`. */
async function liveFrame(session: Session, text: string, publish: () => Promise<unknown>): Promise<string> {
  const abort = new AbortController();
  const res = await fetch(`${web.url}/api/v1/live`, {
    headers: { cookie: session.cookie },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const timer = setTimeout(() => abort.abort(), 20_000);
  let seen = '';
  let published = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the live stream ended without a frame mentioning ${text}:\n${seen}`);
      seen += value;
      // The stream says `retry:` once it is subscribed: publish only then, so no frame is missed.
      if (!published && seen.includes('retry:')) {
        published = true;
        await publish();
      }
      const frame = seen.split('\n\n').find((f) => f.includes('event: telemetry.stored') && f.includes(text));
      if (frame) return frame;
    }
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

describe.skipIf(!available)('three processes, one role each', () => {
  it('each role runs only its part: HTTP on web, the broker subscription on ingest, the jobs on jobs', async () => {
    expect(await portOpen(ports.web)).toBe(true);
    expect(await portOpen(ports.ingest)).toBe(false);
    expect(await portOpen(ports.jobs)).toBe(false);
    expect(ingest.output()).toMatch(/MQTT: subscribed at mqtt:\/\/127\.0\.0\.1/);
    expect(web.output()).not.toMatch(/MQTT:/);
    expect(jobs.output()).not.toMatch(/MQTT:/);
    // Every job ran, and in the jobs process only: its holder names that process's pid.
    const rows = await until(
      'every job to have run once',
      async () =>
        (
          await db.query<{ name: string; holder: string | null; runs: number }>(
            'SELECT name, holder, runs::int AS runs FROM job_schedule ORDER BY name',
          )
        ).rows,
      // The hourly session sweep is not due at start; every other job runs within seconds.
      (r) => r.length >= 7 && r.filter((j) => j.runs > 0).length >= 6,
      60_000,
    );
    for (const j of rows.filter((r) => r.runs > 0))
      expect(Number(j.holder?.split(':')[1]), j.name).toBe(jobs.child.pid);
  });

  it('a reading the ingest process stores reaches the web process: its live stream and its API', async () => {
    const device: Device = await registerDevice(web.url, s, { prefix: 'ROLE' });
    const value = 321.25;
    const frame = await liveFrame(s, String(value), () =>
      publisher.publishAsync(`v1/devices/${device.token}/telemetry`, JSON.stringify({ pm25: value }), {
        qos: 1,
      }),
    );
    expect(frame).toContain(device.code);
    const latest = await fetch(`${web.url}/api/v1/devices/${device.id}/latest`, {
      headers: { cookie: s.cookie },
    });
    expect(JSON.stringify(await latest.json())).toContain(String(value));
  });

  it('a token rotated through the web process stops working on the ingest process within a second', async () => {
    const device = await registerDevice(web.url, s, { prefix: 'ROT' });
    const readings = async () =>
      (
        await db.query<{ v: number }>('SELECT num AS v FROM telemetry WHERE device_id = $1 ORDER BY ts', [
          device.id,
        ])
      ).rows.map((r) => Number(r.v));
    const send = (token: string, pm25: number) =>
      publisher.publishAsync(`v1/devices/${token}/telemetry`, JSON.stringify({ pm25 }), { qos: 1 });
    // The ingest process learns the device and keeps its credential in its directory cache.
    await send(device.token, 11.5);
    await until('the first reading', readings, (v) => v.length === 1, 20_000);
    const rotated = await fetch(`${web.url}/api/v1/devices/${device.id}/token`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
    });
    expect(rotated.status).toBe(200);
    const rotatedAt = Date.now();
    const { token } = (await rotated.json()) as { token: string };
    // The old token keeps publishing, 20 messages a second for two seconds: the change reaches
    // the ingest process over the bus (PostgreSQL NOTIFY here), which drops the cached credential.
    const sent: { value: number; at: number }[] = [];
    for (let i = 0; i < 40; i++) {
      sent.push({ value: 100 + i, at: Date.now() });
      await send(device.token, 100 + i);
      await new Promise((r) => setTimeout(r, 50));
    }
    await send(token, 33.5);
    // One subscriber connection hands messages over in order: every old-token message was decided
    // before the new token's reading is stored.
    const stored = await until('the reading under the new token', readings, (v) => v.includes(33.5), 20_000);
    const accepted = sent.filter((m) => stored.includes(m.value));
    // Accepted ones, if any, come first: once refused, the old token is never accepted again.
    expect(accepted).toEqual(sent.slice(0, accepted.length));
    const firstRefused = sent[accepted.length];
    expect(firstRefused, 'the old token was never refused').toBeDefined();
    expect(firstRefused!.at - rotatedAt).toBeLessThan(1000);
    expect(stored).toEqual([11.5, ...accepted.map((m) => m.value), 33.5]);
  });
});
