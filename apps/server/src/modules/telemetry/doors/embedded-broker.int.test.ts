import fc from 'fast-check';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import { EmbeddedBroker } from './embedded-broker.js';
import { TelemetryRepository } from '../telemetry.repository.js';

let t: TestApp;
let ca1: Client;
let broker: EmbeddedBroker;
let url: string;
const dev: Record<string, { id: string; token: string }> = {};
let apikey: string;

beforeAll(async () => {
  t = await createTestApp({ MQTT_MAX_PAYLOAD_BYTES: '2048' });
  ca1 = await t.login('ca1');
  const mk = async (code: string, profile: string, lng: number, extra: Record<string, unknown> = {}) => {
    const r = await ca1.post('/api/v1/devices', {
      code,
      name: code,
      profile,
      location: { type: 'Point', coordinates: [lng, 22.55] },
      ...extra,
    });
    expect(r.statusCode, r.body).toBe(201);
    dev[code] = r.json();
  };
  await mk('AQ-1', 'air-quality', 113.82);
  await mk('AQ-2', 'air-quality', 113.83);
  const group = (
    await ca1.post('/api/v1/api-key-groups', { name: 'fiware', orgUnitId: t.units.get('C1')!.id })
  ).json();
  apikey = group.apikey;
  await mk('NS-1', 'noise', 113.86, { apiKeyGroupId: group.id });
  broker = new EmbeddedBroker(
    t.services.directory,
    t.services.router,
    t.services.bus,
    pino({ level: 'silent' }),
  );
  const port = await broker.start({ port: 0, host: '127.0.0.1', portAttempts: 0 });
  url = `mqtt://127.0.0.1:${port}`;
});

afterAll(async () => {
  await broker.close();
});

const count = async (deviceId: string) =>
  (
    await t.services.database.db
      .selectFrom('telemetry')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('device_id', '=', deviceId)
      .executeTakeFirstOrThrow()
  ).n;
const deviceRow = (id: string) =>
  t.services.database.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('embedded MQTT broker', () => {
  it('refuses anonymous and unknown credentials with CONNACK "not authorized"', async () => {
    for (const opts of [{}, { username: 'cvd_wrong-token-xxxxxxxxxxxxxxxx' }]) {
      const err = await mqtt.connectAsync(url, { ...opts, reconnectPeriod: 0, connectTimeout: 5000 }).then(
        (c) => (c.end(), null),
        (e: unknown) => e as { code?: number },
      );
      expect(err?.code).toBe(5);
    }
  });

  it('acknowledges a QoS 1 reading only once it is stored (ThingsBoard topic, token as username)', async () => {
    const c = await mqtt.connectAsync(url, { username: dev['AQ-1']!.token, reconnectPeriod: 0 });
    const ts = Date.now() - 1000;
    await c.publishAsync('v1/devices/me/telemetry', JSON.stringify({ ts, values: { pm25: 21, pm10: 40 } }), {
      qos: 1,
    });
    // No waiting: the PUBACK itself is the proof the write is durable.
    expect(Number(await count(dev['AQ-1']!.id))).toBe(2);
    // A redelivery of the same reading (QoS 1 is at-least-once) is stored once.
    await c.publishAsync('v1/devices/me/telemetry', JSON.stringify({ ts, values: { pm25: 21, pm10: 40 } }), {
      qos: 1,
    });
    expect(Number(await count(dev['AQ-1']!.id))).toBe(2);
    await c.endAsync();
  });

  it("counts a publication on another device's topic, an oversized payload and garbage against the device", async () => {
    const c = await mqtt.connectAsync(url, { username: dev['AQ-1']!.token, reconnectPeriod: 0 });
    const before = await deviceRow(dev['AQ-1']!.id);
    await c.publishAsync(`v1/devices/${dev['AQ-2']!.token}/telemetry`, '{"pm25":1}', { qos: 1 });
    await c.publishAsync('v1/devices/me/telemetry', JSON.stringify({ pm25: 1, pad: 'x'.repeat(3000) }), {
      qos: 1,
    });
    await c.publishAsync('v1/devices/me/telemetry', '{"pm25": nope', { qos: 1 });
    await c.publishAsync('some/other/topic', '{"pm25":1}', { qos: 1 });
    await c.endAsync();
    const after = await deviceRow(dev['AQ-1']!.id);
    expect(Number(after.error_count) - Number(before.error_count)).toBe(4);
    expect(Number(await count(dev['AQ-2']!.id))).toBe(0);
    const reasons = await t.services.database.db
      .selectFrom('device_rejections')
      .selectAll()
      .where('device_id', '=', dev['AQ-1']!.id)
      .execute();
    expect(Object.fromEntries(reasons.map((r) => [r.reason, Number(r.count)]))).toMatchObject({
      forbidden_topic: 2,
      payload_too_large: 1,
      malformed: 1,
    });
  });

  it('refuses subscriptions to anything but the device’s own topics', async () => {
    const c = await mqtt.connectAsync(url, { username: dev['AQ-1']!.token, reconnectPeriod: 0 });
    await expect(c.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Unspecified error/);
    expect(c.connected).toBe(true);
    const own = await c.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    expect(own[0]?.qos).toBe(1);
    await c.endAsync();
  });

  it('accepts FIWARE IoT Agent JSON topics with the API key as username', async () => {
    const c = await mqtt.connectAsync(url, { username: apikey, reconnectPeriod: 0 });
    await c.publishAsync(`/json/${apikey}/NS-1/attrs`, JSON.stringify({ leq: 48.5 }), { qos: 1 });
    await c.publishAsync(`/json/${apikey}/NS-1/attrs/lmax`, '66', { qos: 1 });
    await c.endAsync();
    const state = await new TelemetryRepository(t.services.db).latest([dev['NS-1']!.id]);
    expect(Object.fromEntries(state.map((s) => [s.metric, s.num]))).toEqual({ LAeq: 48.5, LAmax: 66 });
  });

  it('keeps every good reading when random garbage is interleaved in all three formats', async () => {
    const c = await mqtt.connectAsync(url, { username: dev['AQ-2']!.token, reconnectPeriod: 0 });
    const f = await mqtt.connectAsync(url, { username: apikey, reconnectPeriod: 0 });
    let good = 0;
    const base = Date.now() - 60_000;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('v1/devices/me/telemetry', 'v1/devices/me/senml', 'fiware'),
        async (junk, topic) => {
          const pub = topic === 'fiware' ? f : c;
          const t2 = topic === 'fiware' ? `/json/${apikey}/NS-1/attrs` : topic;
          await pub.publishAsync(t2, Buffer.from(junk), { qos: 1 });
          good++;
          await c.publishAsync(
            'v1/devices/me/telemetry',
            JSON.stringify({ ts: base + good, values: { pm25: good % 100 } }),
            { qos: 1 },
          );
        },
      ),
      { numRuns: 40 },
    );
    await c.endAsync();
    await f.endAsync();
    const rows = await t.services.database.db
      .selectFrom('telemetry')
      .select(['ts'])
      .where('device_id', '=', dev['AQ-2']!.id)
      .where('metric', '=', 'pm25')
      .where('ts', '>=', new Date(base + 1))
      .where('ts', '<=', new Date(base + good))
      .execute();
    expect(rows.length).toBe(good);
  });
});
