import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, registerDevice, until } from './mqtt-support.js';
import {
  childEnv,
  mainJs,
  run,
  scratchDatabase,
  signIn,
  startMosquitto,
  startServer,
  tempDir,
  type Running,
} from './support.js';

/**
 * Issue 10 §2 (ADR 0038). Stopping: SIGTERM ends the live streams, finishes what was accepted
 * and exits 0 within seconds. Starting: a database, bus or broker that is not up yet is retried
 * for STARTUP_WAIT_SECONDS, then named in one line; /readyz says which dependency is down.
 */
const password = 'demo-pass-123';
const dir = tempDir('lifecycle');
let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
let db: pg.Client;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  scratch = await scratchDatabase('civitas_lifecycle');
  db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
  env = childEnv({
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    DEMO: 'true',
    DEMO_SIMULATOR: 'false',
    DEMO_PASSWORD: password,
    PORT: '0',
    MQTT_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  });
}, 60_000);

afterAll(async () => {
  await db?.end();
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Sends SIGTERM and resolves with the exit code and how long the process took to go. */
function terminate(server: Running): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    server.child.once('exit', (code) => resolve({ code, ms: Date.now() - t0 }));
    server.child.kill('SIGTERM');
  });
}

describe('stopping on SIGTERM', () => {
  it('ends an open live stream and exits 0 within seconds', async () => {
    const server = await startServer(env);
    const s = await signIn(server.url, 'demo-community-1', password);
    const res = await fetch(`${server.url}/api/v1/live`, { headers: { cookie: s.cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('retry:')) seen += (await reader.read()).value ?? '';
    const streamEnded = (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return Date.now();
      }
    })();
    const t0 = Date.now();
    const exit = await terminate(server);
    expect(exit.code).toBe(0);
    // Before: the live stream held the process for about a minute.
    expect(exit.ms).toBeLessThan(5_000);
    expect((await streamEnded) - t0).toBeLessThan(5_000);
    expect(server.output()).toContain('shutting down');
    expect(server.output()).not.toContain('SHUTDOWN_TIMEOUT_SECONDS');
  }, 120_000);

  it('stores every reading it acknowledged (PUBACK or HTTP 2xx) up to the signal', async () => {
    const server = await startServer(env);
    const s = await signIn(server.url, 'demo-community-1', password);
    const device = await registerDevice(server.url, s, { prefix: 'LC' });
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.MQTT_PORT}`, {
      username: device.token,
      reconnectPeriod: 0,
    });
    client.on('error', () => undefined);
    const acked: number[] = [];
    // Recent, one millisecond apart: each reading is its own row.
    let ts = Date.now() - 60_000;
    let stopped = false;
    const reading = (t: number) => JSON.stringify({ ts: t, values: { pm25: 7 } });
    // Two devices' worth of traffic at once: MQTT QoS 1 and HTTP, each waiting for its answer.
    const viaMqtt = (async () => {
      while (!stopped && client.connected) {
        const t = ts++;
        try {
          await client.publishAsync('v1/devices/me/telemetry', reading(t), { qos: 1 });
          acked.push(t);
        } catch {
          return;
        }
      }
    })();
    const viaHttp = (async () => {
      while (!stopped) {
        const t = ts++;
        try {
          const r = await fetch(`${server.url}/api/v1/ingest/${device.token}/telemetry`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: reading(t),
          });
          if (r.status >= 200 && r.status < 300) acked.push(t);
        } catch {
          return;
        }
      }
    })();
    await until(
      'readings acknowledged',
      async () => acked.length,
      (n) => n >= 20,
    );
    const exit = await terminate(server);
    stopped = true;
    client.end(true);
    await Promise.all([viaMqtt, viaHttp]);
    expect(exit.code, server.output().slice(-4000)).toBe(0);
    const { rows } = await db.query<{ ts: Date }>(
      `SELECT ts FROM telemetry WHERE device_id = $1 AND metric = 'pm25'`,
      [device.id],
    );
    const stored = new Set(rows.map((r) => r.ts.getTime()));
    expect(acked.length).toBeGreaterThanOrEqual(20);
    expect(acked.filter((t) => !stored.has(t))).toEqual([]);
  }, 120_000);
});

describe('dependencies that are late', () => {
  it('retries an unreachable DATABASE_URL for STARTUP_WAIT_SECONDS, then exits 1 naming it', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await run(
      [mainJs],
      childEnv({
        DATABASE_URL: `postgres://civitas:secret@127.0.0.1:${port}/civitas`,
        SECRET_KEY: randomBytes(32).toString('hex'),
        STARTUP_WAIT_SECONDS: '2',
      }),
    );
    expect(r.code).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      new RegExp(
        `^cannot reach DATABASE_URL postgres://\\*\\*\\*@127\\.0\\.0\\.1:${port}/civitas: .*ECONNREFUSED`,
      ),
    );
    // Each retry is logged with the setting's name; the password never appears.
    expect(r.stdout + r.stderr).toMatch(/cannot reach DATABASE_URL yet; retrying \(STARTUP_WAIT_SECONDS=2\)/);
    expect(r.stdout + r.stderr).not.toContain('secret');
  }, 60_000);

  it('names BUS_URL when the bus stays unreachable', async () => {
    const port = await freePort();
    const r = await run([mainJs], {
      ...env,
      BUS_URL: `nats://127.0.0.1:${port}`,
      STARTUP_WAIT_SECONDS: '1',
      LOG_LEVEL: 'warn',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^cannot reach BUS_URL nats://127\\.0\\.0\\.1:${port}: `),
    );
  }, 60_000);

  it('waits for a broker at MQTT_URL: /readyz 503 until it is up, 200 once subscribed, 503 when it drops', async () => {
    const brokerPort = await freePort();
    const httpPort = await freePort();
    const base = `http://127.0.0.1:${httpPort}`;
    const child = spawn(process.execPath, [mainJs], {
      env: {
        ...env,
        PORT: String(httpPort),
        MQTT_PORT: '0',
        MQTT_URL: `mqtt://127.0.0.1:${brokerPort}`,
        MQTT_SUBSCRIBER_CONNECTIONS: '2',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const probe = async (path: string) => {
      try {
        const res = await fetch(`${base}${path}`);
        return { status: res.status, body: (await res.json()) as { dependencies?: Record<string, string> } };
      } catch {
        return { status: 0, body: {} };
      }
    };
    let broker: Awaited<ReturnType<typeof startMosquitto>> | undefined;
    try {
      // Listening while the broker is awaited: alive, not ready.
      await until(
        'HTTP to answer',
        () => probe('/healthz'),
        (p) => p.status === 200,
        60_000,
      );
      const waiting = await probe('/readyz');
      expect(waiting.status).toBe(503);
      expect(waiting.body.dependencies).toMatchObject({ database: 'up', broker: 'starting' });
      await until(
        'a retry to be logged',
        async () => out,
        (o) => o.includes('cannot reach MQTT_URL yet'),
      );
      expect(child.exitCode).toBeNull();

      broker = await startMosquitto(dir, brokerPort);
      const ready = await until(
        '/readyz 200',
        () => probe('/readyz'),
        (p) => p.status === 200,
        30_000,
      );
      expect(ready.body.dependencies).toMatchObject({ database: 'up', broker: 'up' });
      await until(
        'the start to finish',
        async () => out,
        (o) => o.includes('MQTT: subscribed at'),
      );
      expect(out).toContain(`MQTT: subscribed at mqtt://127.0.0.1:${brokerPort}`);

      // The broker drops after the start: not ready, still alive.
      await broker.stop();
      const down = await until(
        '/readyz 503',
        () => probe('/readyz'),
        (p) => p.status === 503,
        15_000,
      );
      expect(down.body.dependencies).toMatchObject({ broker: 'down' });
      expect((await probe('/healthz')).status).toBe(200);
    } finally {
      await broker?.stop();
      child.kill('SIGTERM');
      // The subscriber's connections are retrying a broker that is gone: the stop still ends.
      expect(await exited).toBe(0);
    }
  }, 120_000);
});
