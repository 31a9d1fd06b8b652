import net from 'node:net';
import { Aedes } from 'aedes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFiwareMeasures } from '../modules/telemetry/formats/fiware.js';
import { parseSenml } from '../modules/telemetry/formats/senml.js';
import { parseThingsBoardTelemetry } from '../modules/telemetry/formats/thingsboard.js';
import { runSimulator, type SimDevice } from './simulator.js';

/** A bare aedes broker on a free port that records who published what. */
let broker: Aedes;
let server: net.Server;
let url = '';
const received: { username: string; topic: string; payload: string }[] = [];

beforeAll(async () => {
  const users = new WeakMap<object, string>();
  broker = await Aedes.createBroker({
    authenticate: (client, username, _password, done) => {
      users.set(client, username ?? '');
      done(null, true);
    },
    authorizePublish: (client, packet, done) => {
      received.push({
        username: client ? (users.get(client) ?? '') : '',
        topic: packet.topic,
        payload: packet.payload.toString(),
      });
      done(null);
    },
  });
  server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => broker.close(() => r()));
});

describe('runSimulator', () => {
  it('publishes paced, parseable messages over MQTT with each device credential, and stops on abort', async () => {
    const devices: SimDevice[] = [
      { code: 'SIM-00001', profile: 'air-quality', format: 'thingsboard', token: 'tok-1' },
      { code: 'SIM-00002', profile: 'waste-bin', format: 'fiware', apikey: 'key-1' },
      { code: 'SIM-00003', profile: 'noise', format: 'senml', token: 'tok-3' },
      { code: 'SIM-00004', profile: 'pipe-pressure', format: 'thingsboard', token: 'tok-4' },
    ];
    const stop = new AbortController();
    const lines: string[] = [];
    const done = runSimulator({
      devices,
      mqttUrl: url,
      rate: 40,
      seed: 3,
      signal: stop.signal,
      malformedRate: 0,
      silenceRate: 0,
      statusIntervalMs: 500,
      log: (l) => lines.push(l),
    });
    await new Promise((r) => setTimeout(r, 2000));
    stop.abort();
    const stats = await done;
    expect(stats.sent).toBeGreaterThan(30);
    expect(stats.sent).toBeLessThan(120);
    expect(stats.acked).toBe(stats.sent);
    expect(stats.errors).toBe(0);
    expect(lines.some((l) => l.startsWith('sent '))).toBe(true);
    const by = (topic: string) => received.filter((m) => m.topic === topic);
    const tb = by('v1/devices/me/telemetry');
    expect(new Set(tb.map((m) => m.username))).toEqual(new Set(['tok-1', 'tok-4']));
    for (const m of tb) expect(parseThingsBoardTelemetry(Buffer.from(m.payload)).ok).toBe(true);
    const fw = by('/json/key-1/SIM-00002/attrs');
    expect(fw.length).toBeGreaterThan(0);
    for (const m of fw) {
      expect(m.username).toBe('key-1');
      expect(parseFiwareMeasures(Buffer.from(m.payload)).ok).toBe(true);
    }
    const sm = by('v1/devices/me/senml');
    expect(sm.length).toBeGreaterThan(0);
    for (const m of sm) expect(parseSenml(Buffer.from(m.payload), Date.now()).ok).toBe(true);
  });

  it('refuses a device without the credential its format needs, before connecting anything', async () => {
    await expect(
      runSimulator({
        devices: [{ code: 'A', profile: 'noise', format: 'thingsboard' }],
        mqttUrl: url,
        rate: 1,
        seed: 1,
      }),
    ).rejects.toThrow(/no token/);
    await expect(
      runSimulator({
        devices: [{ code: 'A', profile: 'noise', format: 'thingsboard' }],
        mqttUrl: url,
        rate: 1,
        seed: 1,
        external: true,
      }),
    ).rejects.toThrow(/needs its token/);
  });
});
