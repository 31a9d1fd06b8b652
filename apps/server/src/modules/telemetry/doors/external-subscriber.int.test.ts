import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../../../test-support/test-app.js';
import { ExternalSubscriber } from './external-subscriber.js';

/**
 * Against a real Mosquitto, started by the test with persistence on, so that a restart keeps
 * what the broker acknowledged. The broker is restarted while a device is publishing.
 */
const MOSQUITTO = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';
const available = fs.existsSync(MOSQUITTO);
if (!available && process.env.CI) throw new Error(`CI needs Mosquitto at ${MOSQUITTO}`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civitas-mosq-'));
// Mosquitto started as root drops to its own user; it must be able to write its persistence file.
fs.chmodSync(dir, 0o777);
let port = 0;
let broker: ChildProcess | null = null;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

async function startBroker(): Promise<void> {
  fs.writeFileSync(
    path.join(dir, 'mosquitto.conf'),
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      'max_queued_messages 100000',
    ].join('\n'),
  );
  broker = spawn(MOSQUITTO, ['-c', path.join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('mosquitto did not start');
}

async function stopBroker(): Promise<void> {
  const b = broker;
  if (!b || b.exitCode !== null) return;
  await new Promise<void>((r) => {
    b.once('exit', () => r());
    b.kill('SIGTERM');
  });
}

const onPostgres = process.env.TEST_DB === 'postgres';

/**
 * Holds every telemetry write back until the answer is called: on PostgreSQL another session
 * holds a SHARE lock on the hourly rollup table, which each write statement must wait for; on
 * PGlite a transaction holds the single connection.
 */
async function holdWrites(): Promise<() => Promise<void>> {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let held: () => void = () => undefined;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = t.services.database.db.transaction().execute(async (trx) => {
    if (onPostgres) await sql`LOCK TABLE telemetry_1h IN SHARE MODE`.execute(trx);
    held();
    await gate;
  });
  await holding;
  return async () => {
    release();
    await done;
  };
}

let t: TestApp;
let device: { id: string; token: string };

const stored = async () =>
  Number(
    (
      await t.services.database.db
        .selectFrom('telemetry')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('device_id', '=', device.id)
        .executeTakeFirstOrThrow()
    ).n,
  );
const until = async (what: () => Promise<boolean> | boolean, ms = 20_000) => {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await what()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached in time');
};

describe.runIf(available)('external broker (Mosquitto)', () => {
  beforeAll(async () => {
    port = await freePort();
    await startBroker();
    // The burst here is far above a real device's; the per-device rate limit is not under test.
    t = await createTestApp({ DEVICE_RATE_LIMIT: '100000', DEVICE_RATE_BURST: '100000' });
    const ca1 = await t.login('ca1');
    device = (
      await ca1.post('/api/v1/devices', {
        code: 'EXT-1',
        name: 'ext',
        profile: 'air-quality',
        location: { type: 'Point', coordinates: [113.82, 22.55] },
      })
    ).json();
  });

  afterAll(async () => {
    await stopBroker();
  });

  it('keeps every reading the broker acknowledged across a broker restart (single subscriber)', async () => {
    const sub = new ExternalSubscriber(t.services.router, pino({ level: 'silent' }));
    await sub.start({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: `civitas-plain-${process.pid}`,
      sharedGroup: '',
      connections: 4,
      inflight: 20,
    });
    // Each plain subscriber receives every message, so plain mode keeps to one connection.
    expect(sub.connections).toHaveLength(1);
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: `device-${process.pid}`,
      clean: false,
      reconnectPeriod: 200,
    });
    const base = Date.now() - 600_000;
    const total = 300;
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      acks.push(
        pub.publishAsync(
          `v1/devices/${device.token}/telemetry`,
          JSON.stringify({ ts: base + i, values: { pm25: i % 500 } }),
          { qos: 1 },
        ),
      );
      if (i === 100) {
        await Promise.all(acks);
        await stopBroker();
        await startBroker();
      }
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(acks);
    await pub.endAsync();
    // Civitas acknowledges to the broker only after storing, so everything acknowledged arrives.
    await until(async () => (await stored()) >= total);
    expect(await stored()).toBe(total);
    expect(sub.stats.reconnects).toBeGreaterThan(0);
    await sub.close();
  }, 60_000);

  it('reconnects and resubscribes by itself with a shared subscription', async () => {
    const before = await stored();
    const sub = new ExternalSubscriber(t.services.router, pino({ level: 'silent' }));
    await sub.start({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: `civitas-shared-${process.pid}`,
      sharedGroup: 'civitas',
      connections: 2,
      inflight: 20,
    });
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: `device2-${process.pid}`,
      clean: false,
      reconnectPeriod: 200,
    });
    const base = Date.now() - 3_600_000;
    const send = (from: number, n: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          pub.publishAsync(
            `v1/devices/${device.token}/telemetry`,
            JSON.stringify({ ts: base + from + i, values: { pm10: i } }),
            { qos: 1 },
          ),
        ),
      );
    await send(0, 50);
    await until(async () => (await stored()) >= before + 50);
    await stopBroker();
    await startBroker();
    await until(() => sub.connected && pub.connected);
    // Give the resubscription a round trip before publishing again.
    await until(async () => {
      await send(100_000 + Math.floor(Math.random() * 100_000), 1);
      return (await stored()) > before + 50;
    });
    const mid = await stored();
    await send(300_000, 50);
    await until(async () => (await stored()) >= mid + 50);
    expect(await stored()).toBeGreaterThanOrEqual(mid + 50);
    await pub.endAsync();
    await sub.close();
  }, 60_000);
  it('splits a shared group over several connections and acknowledges only committed readings', async () => {
    const before = await stored();
    const sub = new ExternalSubscriber(t.services.router, pino({ level: 'silent' }));
    // A group of its own: the sessions of the tests above persist at the broker and would take a share.
    await sub.start({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: `civitas-multi-${process.pid}`,
      sharedGroup: 'civitas-multi',
      connections: 4,
      inflight: 20,
    });
    expect(sub.connections).toHaveLength(4);
    // The writer announces readings only after their transaction has committed.
    const committed = new Set<string>();
    const off = t.services.writer.onStored((e) => {
      for (const r of e.readings) committed.add(r.ts);
    });
    // Watch each connection's wire: a PUBACK must never precede the commit of its message.
    const acked = sub.connections.map(() => 0);
    const early: (string | undefined)[] = [];
    sub.connections.forEach((client, i) => {
      const inFlight = new Map<number, string>();
      client.on('packetreceive', (p) => {
        if (p.cmd === 'publish' && p.messageId !== undefined) {
          const { ts } = JSON.parse(p.payload.toString()) as { ts: number };
          inFlight.set(p.messageId, new Date(ts).toISOString());
        }
      });
      client.on('packetsend', (p) => {
        if (p.cmd !== 'puback' || p.messageId === undefined) return;
        acked[i]!++;
        const ts = inFlight.get(p.messageId);
        if (ts === undefined || !committed.has(ts)) early.push(ts);
      });
    });
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: `device3-${process.pid}`,
      clean: true,
    });
    const base = Date.now() - 1_800_000;
    const total = 400;
    const acks: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      acks.push(
        pub.publishAsync(
          `v1/devices/${device.token}/telemetry`,
          JSON.stringify({ ts: base + i * 10, values: { no2: i % 100 } }),
          { qos: 1 },
        ),
      );
      if (i === 200) {
        // One connection drops mid-stream: its unacknowledged messages come back after it reconnects.
        await Promise.all(acks);
        sub.connections[1]!.stream.destroy();
      }
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(acks);
    await pub.endAsync();
    await until(async () => (await stored()) >= before + total);
    expect(await stored()).toBe(before + total);
    expect(early).toEqual([]);
    expect(acked.every((n) => n > 0)).toBe(true);
    expect(acked.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(total);
    // The dropped connection comes back by itself (and subscribes again).
    await until(() => sub.stats.reconnects > 0 && sub.connected);
    off();
    await sub.close();
  }, 60_000);

  it('holds several messages per connection until their commit, then acknowledges them in arrival order', async () => {
    const sub = new ExternalSubscriber(t.services.router, pino({ level: 'silent' }));
    await sub.start({
      url: `mqtt://127.0.0.1:${port}`,
      clientId: `civitas-inflight-${process.pid}`,
      sharedGroup: 'civitas-inflight',
      connections: 2,
      inflight: 10,
    });
    // Each connection's wire, in order: the PUBLISHes it received and the PUBACKs it sent.
    const received = sub.connections.map(() => [] as number[]);
    const acked = sub.connections.map(() => [] as number[]);
    sub.connections.forEach((client, i) => {
      client.on('packetreceive', (p) => {
        if (p.cmd !== 'publish' || p.messageId === undefined) return;
        received[i]!.push(p.messageId);
      });
      client.on('packetsend', (p) => {
        if (p.cmd === 'puback' && p.messageId !== undefined) acked[i]!.push(p.messageId);
      });
    });
    const pub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      clientId: `device4-${process.pid}`,
      clean: true,
    });
    const base = Date.now() - 2_400_000;
    const publish = (i: number) =>
      pub.publishAsync(
        `v1/devices/${device.token}/telemetry`,
        JSON.stringify({ ts: base + i * 10, values: { o3: i } }),
        { qos: 1 },
      );
    // Partitions exist before writes are held, so nothing but the hold stops a commit.
    await publish(0);
    await until(() => acked.flat().length === 1);
    const before = await stored();
    const release = await holdWrites();
    const total = 12;
    await Promise.all(Array.from({ length: total }, (_, i) => publish(i + 1)));
    // Every message reaches the writer while none has committed: several wait on each connection
    // (with one message per connection in flight, two would, and the rest wait at the broker).
    await until(() => t.services.writer.bufferedReadings === total);
    await until(() => t.services.writer.commitsInFlight > 0);
    expect(received.flat()).toHaveLength(1 + total);
    expect(acked.flat()).toHaveLength(1);
    if (onPostgres) expect(await stored()).toBe(before);
    expect(sub.stats.peakInFlight.every((n) => n >= 2)).toBe(true);
    await release();
    await until(() => acked.flat().length === 1 + total);
    expect(await stored()).toBe(before + total);
    // MQTT 5 §4.6: a connection's PUBACKs go in the order its PUBLISHes arrived.
    expect(acked).toEqual(received);
    await pub.endAsync();
    await sub.close();
  }, 60_000);
});
