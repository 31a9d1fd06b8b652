import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inbox } from '../../../test-support/mqtt-inbox.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import { EmbeddedBroker } from './embedded-broker.js';

/**
 * Regression tests for the review's MQTT findings (ADR 0018): a device receives only what is
 * addressed to it. "Nothing arrived" is proven by sending a later legitimate message on the same
 * subscription and checking that it is the first thing received.
 */
let t: TestApp;
let ca1: Client;
let broker: EmbeddedBroker;
let url: string;
const dev: Record<string, { id: string; code: string; token: string }> = {};
let apikey: string;
let otherKey: string;
const open: MqttClient[] = [];

beforeAll(async () => {
  t = await createTestApp();
  ca1 = await t.login('ca1');
  const mk = async (code: string, lng: number, extra: Record<string, unknown> = {}) => {
    const r = await ca1.post('/api/v1/devices', {
      code,
      name: code,
      profile: 'air-quality',
      location: { type: 'Point', coordinates: [lng, 22.55] },
      ...extra,
    });
    expect(r.statusCode, r.body).toBe(201);
    dev[code] = r.json();
  };
  const group = async (name: string) =>
    (await ca1.post('/api/v1/api-key-groups', { name, orgUnitId: t.units.get('C1')!.id })).json<{
      id: string;
      apikey: string;
    }>();
  await mk('ISO-B', 113.82);
  await mk('ISO-C', 113.83);
  await mk('ISO-D', 113.84);
  const g = await group('fiware');
  apikey = g.apikey;
  otherKey = (await group('other')).apikey;
  await mk('ISO-F', 113.85, { apiKeyGroupId: g.id });
  broker = new EmbeddedBroker(
    t.services.directory,
    t.services.router,
    t.services.bus,
    pino({ level: 'silent' }),
  );
  url = `mqtt://127.0.0.1:${await broker.start({ port: 0, host: '127.0.0.1', portAttempts: 0 })}`;
  t.services.downlink.attach(broker);
});

// Each test starts with no device connected.
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.endAsync(true)));
});

afterAll(async () => {
  await broker.close();
});

const connect = async (username: string, opts: IClientOptions = {}) => {
  const c = await mqtt.connectAsync(url, { username, reconnectPeriod: 0, ...opts });
  open.push(c);
  return c;
};
const connackCode = (username: string, opts: IClientOptions) =>
  mqtt.connectAsync(url, { username, reconnectPeriod: 0, connectTimeout: 5000, ...opts }).then(
    (c) => (c.end(true), 0),
    (e: unknown) => (e as { code?: number }).code,
  );
const pushShared = async (code: string, shared: Record<string, unknown>) => {
  const r = await ca1.app.inject({
    method: 'PUT',
    url: `/api/v1/devices/${dev[code]!.id}/attributes`,
    headers: { cookie: ca1.cookie, 'x-csrf-token': ca1.csrf },
    payload: { shared },
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ push: string }>().push;
};
const oneway = async (code: string, method: string, timeoutMs = 10_000) => {
  const r = await ca1.post(`/api/v1/devices/${dev[code]!.id}/rpc`, {
    method,
    params: {},
    oneway: true,
    timeoutMs,
  });
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ id: string; requestId: number; status: string }>();
};
const rejections = async (code: string) =>
  Object.fromEntries(
    (
      await t.services.database.db
        .selectFrom('device_rejections')
        .select(['reason', 'count'])
        .where('device_id', '=', dev[code]!.id)
        .execute()
    ).map((r) => [r.reason, Number(r.count)]),
  );

describe('device isolation in the embedded broker', () => {
  it('a forged RPC request or attribute push from one device reaches no other device and is not retained', async () => {
    const b = await connect(dev['ISO-B']!.token);
    const bIn = inbox(b);
    await b.subscribeAsync(['v1/devices/me/rpc/request/+', 'v1/devices/me/attributes'], { qos: 1 });
    const c = await connect(dev['ISO-C']!.token);
    const before = (await rejections('ISO-C')).forbidden_topic ?? 0;
    await c.publishAsync('v1/devices/me/rpc/request/42', '{"method":"reboot","params":{}}', {
      qos: 1,
      retain: true,
    });
    await c.publishAsync('v1/devices/me/attributes', '{"firmwareUrl":"http://evil.example/fw.bin"}', {
      qos: 1,
      retain: true,
    });
    // The platform's own push is the first thing B receives: the forgeries never arrived.
    expect(await pushShared('ISO-B', { mode: 'eco' })).toBe('sent');
    const first = await bIn.next();
    expect(first).toMatchObject({ topic: 'v1/devices/me/attributes', text: '{"mode":"eco"}' });
    const rpc = await oneway('ISO-B', 'ping');
    expect(rpc.status).toBe('delivered');
    const second = await bIn.next();
    expect(second.topic).toBe(`v1/devices/me/rpc/request/${rpc.requestId}`);
    expect(JSON.parse(second.text)).toEqual({ method: 'ping', params: {} });

    // Nothing was retained: a fresh subscriber gets the platform's push first.
    const d = await connect(dev['ISO-D']!.token);
    const dIn = inbox(d);
    await d.subscribeAsync(['v1/devices/me/rpc/request/+', 'v1/devices/me/attributes'], { qos: 1 });
    await pushShared('ISO-D', { mode: 'fresh' });
    expect(await dIn.next()).toMatchObject({
      topic: 'v1/devices/me/attributes',
      text: '{"mode":"fresh"}',
      retain: false,
    });

    // The forged RPC is counted against C; its "attributes" are C's own client attributes only.
    expect((await rejections('ISO-C')).forbidden_topic).toBe(before + 1);
    const cAttrs = (await ca1.get(`/api/v1/devices/${dev['ISO-C']!.id}/attributes`)).json();
    expect(cAttrs.client).toEqual([expect.objectContaining({ key: 'firmwareUrl' })]);
    const bAttrs = (await ca1.get(`/api/v1/devices/${dev['ISO-B']!.id}/attributes`)).json();
    expect(bAttrs.client).toEqual([]);
    expect(bAttrs.shared.map((a: { key: string }) => a.key)).toEqual(['mode']);
  });

  it('delivers a platform message to the addressed device only', async () => {
    const b = await connect(dev['ISO-B']!.token);
    const c = await connect(dev['ISO-C']!.token);
    const bIn = inbox(b);
    const cIn = inbox(c);
    await b.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    await c.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    await pushShared('ISO-B', { only: 'b' });
    expect((await bIn.next()).text).toBe('{"only":"b"}');
    await pushShared('ISO-C', { only: 'c' });
    expect((await cIn.next()).text).toBe('{"only":"c"}');
  });

  it("refuses subscriptions to another device's topics, to internal topics and to wildcards", async () => {
    const c = await connect(dev['ISO-C']!.token);
    const b = dev['ISO-B']!;
    for (const filter of [
      `$civitas/d/${b.id}/rpc/request/+`,
      `v1/devices/${b.token}/attributes`,
      `/${apikey}/ISO-F/cmd`,
      '#',
      '$civitas/#',
      '+/devices/me/attributes',
      'v1/devices/me/telemetry',
    ]) {
      // SUBACK 0x80 for that filter; mqtt.js reports it as a failed subscription.
      await expect(c.subscribeAsync(filter, { qos: 1 }), filter).rejects.toThrow(/Unspecified error/);
    }
    expect(c.connected).toBe(true);
  });

  it('stops delivering after UNSUBSCRIBE of a "me" topic', async () => {
    const b = await connect(dev['ISO-B']!.token);
    const bIn = inbox(b);
    await b.subscribeAsync(['v1/devices/me/attributes', 'v1/devices/me/rpc/request/+'], { qos: 1 });
    await b.unsubscribeAsync('v1/devices/me/attributes');
    await pushShared('ISO-B', { after: 'unsubscribe' });
    const rpc = await oneway('ISO-B', 'still-listening');
    expect((await bIn.next()).topic).toBe(`v1/devices/me/rpc/request/${rpc.requestId}`);
  });

  it("refuses another credential's takeover of a client id; the holder stays connected", async () => {
    const b = await connect(dev['ISO-B']!.token, { clientId: 'iso-b-client' });
    const bIn = inbox(b);
    await b.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    expect(await connackCode(dev['ISO-C']!.token, { clientId: 'iso-b-client' })).toBe(2);
    expect(await connackCode(apikey, { clientId: 'iso-b-client' })).toBe(2);
    await pushShared('ISO-B', { still: 'here' });
    expect((await bIn.next()).text).toBe('{"still":"here"}');
    expect(b.connected).toBe(true);
    // The same credential may take its own id over, as MQTT requires.
    const b2 = await connect(dev['ISO-B']!.token, { clientId: 'iso-b-client' });
    expect(b2.connected).toBe(true);
  });

  it('keeps a persistent session to its device: queued commands reach it on return, under its own topic', async () => {
    const opts = { clientId: 'iso-d-persist', clean: false };
    const d = await connect(dev['ISO-D']!.token, opts);
    await d.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    await d.endAsync();
    // Another credential may not take the session over, even with a clean start.
    expect(await connackCode(dev['ISO-C']!.token, { clientId: 'iso-d-persist', clean: true })).toBe(2);
    const cmd = await oneway('ISO-D', 'wake', 60_000);
    expect(cmd.status).toBe('queued');
    const back = await connect(dev['ISO-D']!.token, opts);
    const backIn = inbox(back);
    const got = await backIn.next();
    expect(got.topic).toBe(`v1/devices/me/rpc/request/${cmd.requestId}`);
    await expect
      .poll(async () => (await ca1.get(`/api/v1/devices/${dev['ISO-D']!.id}/rpc`)).json().items[0].status)
      .toBe('delivered');
  });

  it('drops a will, and keeps FIWARE commands to the devices of the key', async () => {
    const f = await connect(apikey);
    const fIn = inbox(f);
    expect((await f.subscribeAsync(`/${apikey}/ISO-F/cmd`, { qos: 1 }))[0]!.qos).toBe(1);
    const other = await connect(otherKey);
    await expect(other.subscribeAsync(`/${apikey}/ISO-F/cmd`, { qos: 1 })).rejects.toThrow(/Unspecified/);
    // A device token forging the command topic, and a will on it: neither reaches the key's subscriber.
    const c = await connect(dev['ISO-C']!.token, {
      will: {
        topic: `/${apikey}/ISO-F/cmd`,
        payload: Buffer.from('{"reboot":"will"}'),
        qos: 1,
        retain: true,
      },
    });
    const before = (await rejections('ISO-C')).forbidden_topic ?? 0;
    await c.publishAsync(`/${apikey}/ISO-F/cmd`, '{"reboot":"forged"}', { qos: 1, retain: true });
    c.stream.destroy();
    await expect.poll(async () => (await rejections('ISO-C')).forbidden_topic).toBe(before + 2);
    const sent = ca1.post(`/api/v1/devices/${dev['ISO-F']!.id}/rpc`, { method: 'ping', params: 'now' });
    const got = await fIn.next();
    expect(got).toMatchObject({ topic: `/${apikey}/ISO-F/cmd`, text: '{"ping":"now"}' });
    await f.publishAsync(`/json/${apikey}/ISO-F/cmdexe`, '{"ping":"pong"}', { qos: 1 });
    const answered = (await sent).json();
    expect(answered).toMatchObject({ protocol: 'fiware', status: 'succeeded', response: 'pong' });
  });
});
