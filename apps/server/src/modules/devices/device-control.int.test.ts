import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../telemetry/doors/embedded-broker.js';
import { inbox } from '../../test-support/mqtt-inbox.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

/**
 * The platform's side of the device protocols: ThingsBoard server-side RPC and attributes, over
 * the embedded broker and ThingsBoard's HTTP device API, and the access rules around them.
 */
let t: TestApp;
let ca1: Client;
let broker: EmbeddedBroker;
let url: string;
const dev: Record<string, { id: string; code: string; token: string }> = {};
const open: MqttClient[] = [];

beforeAll(async () => {
  t = await createTestApp();
  ca1 = await t.login('ca1');
  for (const [code, lng] of [
    ['CTL-A', 113.82],
    ['CTL-B', 113.83],
  ] as const) {
    const r = await ca1.post('/api/v1/devices', {
      code,
      name: code,
      profile: 'air-quality',
      location: { type: 'Point', coordinates: [lng, 22.55] },
    });
    expect(r.statusCode, r.body).toBe(201);
    dev[code] = r.json();
  }
  broker = new EmbeddedBroker(
    t.services.directory,
    t.services.router,
    t.services.bus,
    pino({ level: 'silent' }),
  );
  url = `mqtt://127.0.0.1:${await broker.start({ port: 0, host: '127.0.0.1', portAttempts: 0 })}`;
  t.services.downlink.attach(broker);
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.endAsync(true)));
});

afterAll(async () => {
  await broker.close();
});

const connect = async (code: string) => {
  const c = await mqtt.connectAsync(url, { username: dev[code]!.token, reconnectPeriod: 0 });
  open.push(c);
  return c;
};
const put = (who: Client, path: string, payload: unknown) =>
  who.app.inject({
    method: 'PUT',
    url: path,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
    payload: payload as Record<string, unknown>,
  });
const commandRows = (deviceId: string) =>
  t.services.database.db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('action', '=', 'device.command')
    .where('target_id', '=', deviceId)
    .execute();

describe('ThingsBoard server-side RPC', () => {
  it('a two-way RPC returns the device’s answer, and the command is recorded and audited', async () => {
    const a = await connect('CTL-A');
    const aIn = inbox(a);
    await a.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    const pending = ca1.post(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`, {
      method: 'setFan',
      params: { speed: 2 },
      timeoutMs: 10_000,
    });
    const req = await aIn.next();
    expect(JSON.parse(req.text)).toEqual({ method: 'setFan', params: { speed: 2 } });
    const requestId = req.topic.split('/').pop()!;
    await a.publishAsync(`v1/devices/me/rpc/response/${requestId}`, '{"speed":2,"ok":true}', { qos: 1 });
    const res = await pending;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      requestId: Number(requestId),
      method: 'setFan',
      status: 'succeeded',
      response: { speed: 2, ok: true },
      createdBy: { name: 'ca1' },
    });
    const list = (await ca1.get(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`)).json();
    expect(list.items[0]).toMatchObject({ id: res.json().id, status: 'succeeded' });
    const audit = await commandRows(dev['CTL-A']!.id);
    expect(audit.at(-1)?.detail).toMatchObject({ method: 'setFan', requestId: Number(requestId) });
  });

  it('times out when the device never answers, and a late answer changes nothing', async () => {
    const a = await connect('CTL-A');
    const aIn = inbox(a);
    await a.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    const res = await ca1.post(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`, { method: 'slow', timeoutMs: 300 });
    expect(res.json()).toMatchObject({ status: 'timed_out', response: null });
    const requestId = (await aIn.next()).topic.split('/').pop()!;
    const before = (await ca1.get(`/api/v1/devices/${dev['CTL-A']!.id}`)).json().errorCount;
    await a.publishAsync(`v1/devices/me/rpc/response/${requestId}`, '"late"', { qos: 1 });
    const after = (await ca1.get(`/api/v1/devices/${dev['CTL-A']!.id}`)).json();
    expect(after.errorCount).toBe(before + 1);
    expect((await ca1.get(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`)).json().items[0]).toMatchObject({
      status: 'timed_out',
      response: null,
    });
  });

  it('fails at once as not_connected when no session of the device listens', async () => {
    const res = await ca1.post(`/api/v1/devices/${dev['CTL-B']!.id}/rpc`, { method: 'reboot', oneway: true });
    expect(res.json()).toMatchObject({ status: 'failed', error: 'not_connected', deliveredAt: null });
  });

  it('needs device.control on the device’s unit: outside the scope is 404, without it 403, and nothing is sent', async () => {
    const a = await connect('CTL-A');
    const aIn = inbox(a);
    await a.subscribeAsync('v1/devices/me/rpc/request/+', { qos: 1 });
    const before = (await ca1.get(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`)).json().total;
    const ca2 = await t.login('ca2');
    expect((await ca2.post(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`, { method: 'x' })).statusCode).toBe(404);
    const commander = await t.login('commander');
    expect(
      (await commander.post(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`, { method: 'x' })).statusCode,
    ).toBe(403);
    expect(
      (await put(commander, `/api/v1/devices/${dev['CTL-A']!.id}/attributes`, { shared: { a: 1 } }))
        .statusCode,
    ).toBe(403);
    expect((await ca2.get(`/api/v1/devices/${dev['CTL-A']!.id}/attributes`)).statusCode).toBe(404);
    expect((await ca1.get(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`)).json().total).toBe(before);
    // The first message the device gets is the one a permitted user sends.
    const ok = await ca1.post(`/api/v1/devices/${dev['CTL-A']!.id}/rpc`, { method: 'allowed', oneway: true });
    expect(JSON.parse((await aIn.next()).text).method).toBe('allowed');
    expect(ok.json().status).toBe('delivered');
  });
});

describe('ThingsBoard attributes', () => {
  it('answers an attribute request over MQTT with client and shared values', async () => {
    const res = await put(ca1, `/api/v1/devices/${dev['CTL-B']!.id}/attributes`, {
      shared: { interval: 60, mode: 'eco' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().push).toBe('absent');
    const b = await connect('CTL-B');
    const bIn = inbox(b);
    await b.subscribeAsync('v1/devices/me/attributes/response/+', { qos: 1 });
    await b.publishAsync('v1/devices/me/attributes', '{"fw":"1.2.3","pm25":12}', { qos: 1 });
    await b.publishAsync('v1/devices/me/attributes/request/7', '{"clientKeys":"fw","sharedKeys":"mode"}', {
      qos: 1,
    });
    expect(await bIn.next()).toMatchObject({
      topic: 'v1/devices/me/attributes/response/7',
      text: '{"client":{"fw":"1.2.3"},"shared":{"mode":"eco"}}',
    });
    // A profile metric among the attributes is also a reading.
    const latest = (await ca1.get(`/api/v1/devices/${dev['CTL-B']!.id}/latest`)).json();
    expect(latest.metrics).toEqual([expect.objectContaining({ metric: 'pm25', value: 12 })]);
  });

  it('deletes a shared attribute and pushes {"deleted":[…]}', async () => {
    const b = await connect('CTL-B');
    const bIn = inbox(b);
    await b.subscribeAsync('v1/devices/me/attributes', { qos: 1 });
    const res = await put(ca1, `/api/v1/devices/${dev['CTL-B']!.id}/attributes`, { shared: { mode: null } });
    expect(res.json()).toMatchObject({
      push: 'sent',
      shared: [expect.objectContaining({ key: 'interval' })],
    });
    expect((await bIn.next()).text).toBe('{"deleted":["mode"]}');
  });

  it('keeps at most 64 client attributes and counts a report past that', async () => {
    const b = await connect('CTL-B');
    const many = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, i]));
    const before = (await ca1.get(`/api/v1/devices/${dev['CTL-B']!.id}`)).json().errorCount;
    await b.publishAsync('v1/devices/me/attributes', JSON.stringify(many), { qos: 1 });
    const attrs = (await ca1.get(`/api/v1/devices/${dev['CTL-B']!.id}/attributes`)).json();
    expect(attrs.client.length).toBeLessThanOrEqual(64);
    expect(attrs.client.some((a: { key: string }) => a.key === 'k63')).toBe(false);
    expect((await ca1.get(`/api/v1/devices/${dev['CTL-B']!.id}`)).json().errorCount).toBe(before + 1);
  });
});

describe('ThingsBoard HTTP device API at its own paths', () => {
  it('takes telemetry and attributes at /api/v1/{token}/… and answers GET attributes', async () => {
    const token = dev['CTL-A']!.token;
    const tel = await t.app.inject({
      method: 'POST',
      url: `/api/v1/${token}/telemetry`,
      payload: { pm10: 33 },
    });
    expect(tel.statusCode, tel.body).toBe(200);
    expect(tel.json()).toMatchObject({ accepted: 1 });
    const attr = await t.app.inject({
      method: 'POST',
      url: `/api/v1/${token}/attributes`,
      payload: { model: 'X1' },
    });
    expect(attr.statusCode, attr.body).toBe(200);
    await put(ca1, `/api/v1/devices/${dev['CTL-A']!.id}/attributes`, { shared: { target: 5 } });
    const got = await t.app.inject({
      method: 'GET',
      url: `/api/v1/${token}/attributes?clientKeys=model&sharedKeys=target`,
    });
    expect(got.json()).toEqual({ client: { model: 'X1' }, shared: { target: 5 } });
    const all = await t.app.inject({ method: 'GET', url: `/api/v1/${token}/attributes` });
    expect(all.json()).toMatchObject({ client: { model: 'X1' }, shared: { target: 5 } });
    // The older path still works.
    const old = await t.app.inject({
      method: 'POST',
      url: `/api/v1/ingest/${token}/telemetry`,
      payload: { pm10: 34 },
    });
    expect(old.statusCode).toBe(200);
  });

  it('answers 401 for a segment that is no token, without repeating it, and static routes still win', async () => {
    const guess = 'cvd_not-a-real-token-at-all-0000';
    for (const res of [
      await t.app.inject({ method: 'POST', url: `/api/v1/${guess}/telemetry`, payload: { pm10: 1 } }),
      await t.app.inject({ method: 'GET', url: `/api/v1/${guess}/attributes` }),
    ]) {
      expect(res.statusCode).toBe(401);
      // `instance` (the URL) is redacted by the HTTP layer; the detail this route writes never names it.
      expect(res.json().detail).not.toContain(guess);
    }
    expect((await ca1.get('/api/v1/devices?limit=1')).statusCode).toBe(200);
    expect((await ca1.get('/api/v1/device-profiles')).statusCode).toBe(200);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ca1', password: 'wrong-password-x' },
    });
    expect(login.statusCode).toBe(401);
    expect(login.json().code).toBe('invalid_credentials');
  });
});
