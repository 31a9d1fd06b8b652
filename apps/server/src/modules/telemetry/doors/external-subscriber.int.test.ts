import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    });
    expect(sub.connections).toHaveLength(4);
    // The writer announces readings on the bus only after their transaction has committed.
    const committed = new Set<string>();
    const off = t.services.bus.subscribe('telemetry.stored', (e) => {
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
});
