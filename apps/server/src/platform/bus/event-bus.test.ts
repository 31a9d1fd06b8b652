import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EventBus } from './event-bus.js';
import { NatsTransport } from './nats-transport.js';
import { alarm, busTransportContract } from './bus-transport.suite.js';

const log = pino({ level: 'silent' });
const natsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

describe('event bus in one process', () => {
  it('gives each broadcast event to every subscriber, and a failing one breaks nobody', () => {
    const bus = new EventBus(log);
    const got: string[] = [];
    bus.subscribe('device.changed', () => {
      throw new Error('broken subscriber');
    });
    bus.subscribe('device.changed', (e) => got.push(`a:${e.deviceId}`));
    const off = bus.subscribe('device.changed', (e) => got.push(`b:${e.deviceId}`));
    bus.publish('device.changed', { deviceId: 'd1' });
    off();
    bus.publish('device.changed', { deviceId: 'd2' });
    expect(got).toEqual(['a:d1', 'b:d1', 'a:d2']);
  });

  it('gives each work event to every group once, and retries a failing handler', async () => {
    const bus = new EventBus(log);
    const handled: string[] = [];
    let failures = 1;
    await bus.consume('alarm.raised', 'cases', async (a) => {
      if (failures-- > 0) throw new Error('database busy');
      handled.push(`cases:${a.alarmId}`);
    });
    await bus.consume('alarm.raised', 'notify', async (a) => void handled.push(`notify:${a.alarmId}`));
    expect(() => bus.consume('alarm.raised', 'cases', async () => undefined)).toThrow(/already consumes/);
    await bus.enqueue('alarm.raised', alarm(1));
    await vi.waitFor(() => expect(handled.sort()).toEqual(['cases:alarm-1', 'notify:alarm-1']), {
      timeout: 5_000,
    });
  });
});

// Each bus below stands for one process: it has its own NATS connection, and all they share is
// the server. Every test run uses its own prefix, so runs on one server never see each other.
const reachable = await new Promise<boolean>((resolve) => {
  const u = new URL(natsUrl);
  const s = net.connect({ host: u.hostname, port: Number(u.port || 4222), timeout: 2000 }, () => {
    s.destroy();
    resolve(true);
  });
  s.on('error', () => resolve(false));
  s.on('timeout', () => (s.destroy(), resolve(false)));
});
if (!reachable && process.env.CI)
  throw new Error(`NATS at ${natsUrl} is unreachable; CI requires the bus tests`);

describe.runIf(reachable)('event bus across processes (NATS JetStream)', () => {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const open: EventBus[] = [];

  async function processBus(ackWaitMs = 30_000): Promise<EventBus> {
    const bus = new EventBus(log);
    await bus.attach(await NatsTransport.open({ url: natsUrl, prefix, ackWaitMs, name: 'test' }, log));
    open.push(bus);
    return bus;
  }

  afterAll(async () => {
    await Promise.all(open.map((b) => b.close()));
    const nc = await connect({ servers: natsUrl });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(`${prefix.toUpperCase()}_WORK`).catch(() => undefined);
    await nc.close();
  });

  busTransportContract(processBus);
});
