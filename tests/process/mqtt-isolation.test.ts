import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  freePort,
  mqttPortOf,
  pub,
  registerDevice,
  runClient,
  Subscriber,
  type Device,
  type Session,
} from './mqtt-support.js';
import { childEnv, DEMO_PASSWORD, demoDataDir, signIn, startServer, type Running } from './support.js';

/**
 * The review's MQTT findings, tried with Debian's real `mosquitto_pub`/`mosquitto_sub` against the
 * built server's embedded broker, topic family by topic family: device C's forgeries on B's topics
 * and on command topics never reach B (B's first message is the platform's later, legitimate one),
 * are not retained (a fresh subscriber's first message is likewise the platform's), and are
 * counted against C; the platform's own commands reach B and only B; C cannot subscribe to B's
 * topics, nor take B's client id.
 */
const password = DEMO_PASSWORD;
let server: Running;
let s: Session;
let port: string;
let base: string;
let b: Device;
let c: Device;
let gateway: Device;
let fiware: Device;
let apikey: string;
const subs: Subscriber[] = [];

const sub = (args: string[]) => {
  const x = new Subscriber(port, args);
  subs.push(x);
  return x;
};
const device = (d: Device) =>
  api<{ errorCount: number; rejections: { reason: string; count: number }[] }>(
    base,
    s,
    'GET',
    `/api/v1/devices/${d.id}`,
  );
const refusals = async (d: Device, reason: string) =>
  (await device(d)).rejections.find((r) => r.reason === reason)?.count ?? 0;
const latest = async (d: Device) =>
  (await api<{ metrics: unknown[] }>(base, s, 'GET', `/api/v1/devices/${d.id}/latest`)).metrics;
const pushShared = (d: Device, shared: Record<string, unknown>) =>
  api<{ push: string }>(base, s, 'PUT', `/api/v1/devices/${d.id}/attributes`, { shared });
const command = (d: Device, body: Record<string, unknown>) =>
  api<{ requestId: number; status: string; response: unknown }>(
    base,
    s,
    'POST',
    `/api/v1/devices/${d.id}/rpc`,
    body,
  );

beforeAll(async () => {
  server = await startServer(
    childEnv({
      DATA_DIR: demoDataDir('mqttiso'),
      PORT: '0',
      MQTT_PORT: String(await freePort()),
      DEMO: 'true',
      DEMO_SIMULATOR: 'false',
      DEMO_PASSWORD: password,
    }),
  );
  base = server.url;
  port = mqttPortOf(server);
  s = await signIn(base, 'demo-community-1', password);
  b = await registerDevice(base, s, { prefix: 'B' });
  c = await registerDevice(base, s, { prefix: 'C' });
  gateway = await registerDevice(base, s, { prefix: 'GW', profile: 'gateway' });
  const group = await api<{ id: string; apikey: string }>(base, s, 'POST', '/api/v1/api-key-groups', {
    name: 'isolation',
    orgUnitId: b.orgUnitId,
  });
  apikey = group.apikey;
  fiware = await registerDevice(base, s, { prefix: 'F', apiKeyGroupId: group.id });
}, 180_000);

afterEach(async () => {
  await Promise.all(subs.splice(0).map((x) => x.stop()));
});

afterAll(async () => {
  await server?.stop();
});

describe('device isolation with mosquitto_pub/mosquitto_sub (embedded broker)', () => {
  it('ThingsBoard RPC: a forged request is neither delivered nor retained and is counted; the platform’s RPC reaches B, whose answer comes back', async () => {
    const bSub = sub(['-u', b.token, '-t', 'v1/devices/me/rpc/request/+']);
    expect(await bSub.ready).toEqual([1]);
    const before = await refusals(c, 'forbidden_topic');
    const forged = await pub(port, [
      '-u',
      c.token,
      '-r',
      '-t',
      'v1/devices/me/rpc/request/42',
      '-m',
      '{"method":"reboot"}',
    ]);
    expect(forged.code).toBe(0);
    const pending = command(b, { method: 'getStatus', params: { verbose: true }, timeoutMs: 15_000 });
    const first = await bSub.next();
    expect(JSON.parse(first.payload)).toEqual({ method: 'getStatus', params: { verbose: true } });
    const requestId = first.topic.split('/').pop()!;
    expect(first.topic).toBe(`v1/devices/me/rpc/request/${requestId}`);
    expect(
      (await pub(port, ['-u', b.token, '-t', `v1/devices/me/rpc/response/${requestId}`, '-m', '{"up":true}']))
        .code,
    ).toBe(0);
    expect(await pending).toMatchObject({ status: 'succeeded', response: { up: true } });
    expect(await refusals(c, 'forbidden_topic')).toBe(before + 1);
    // Not retained: a fresh subscriber's first message is the platform's next command.
    const fresh = sub(['-u', b.token, '-t', 'v1/devices/me/rpc/request/+']);
    await fresh.ready;
    const next = await command(b, { method: 'again', oneway: true });
    const got = await fresh.next();
    expect(got).toMatchObject({ retained: false, topic: `v1/devices/me/rpc/request/${next.requestId}` });
  });

  it('ThingsBoard attributes: a forged push stays C’s own client attribute; the platform’s push reaches B only', async () => {
    const bSub = sub(['-u', b.token, '-t', 'v1/devices/me/attributes']);
    const cSub = sub(['-u', c.token, '-t', 'v1/devices/me/attributes']);
    await Promise.all([bSub.ready, cSub.ready]);
    const forged = JSON.stringify({ firmwareUrl: 'http://evil.example/fw.bin' });
    expect(
      (await pub(port, ['-u', c.token, '-r', '-t', 'v1/devices/me/attributes', '-m', forged])).code,
    ).toBe(0);
    expect((await pushShared(b, { mode: 'eco' })).push).toBe('sent');
    expect(await bSub.next()).toMatchObject({ topic: 'v1/devices/me/attributes', payload: '{"mode":"eco"}' });
    await pushShared(c, { mode: 'c-only' });
    // C's subscriber saw neither its own forgery nor B's push: its first message is its own push.
    expect((await cSub.next()).payload).toBe('{"mode":"c-only"}');
    const fresh = sub(['-u', b.token, '-t', 'v1/devices/me/attributes']);
    await fresh.ready;
    await pushShared(b, { mode: 'night' });
    expect(await fresh.next()).toMatchObject({ retained: false, payload: '{"mode":"night"}' });
    const cAttrs = await api<{ client: { key: string }[] }>(
      base,
      s,
      'GET',
      `/api/v1/devices/${c.id}/attributes`,
    );
    expect(cAttrs.client.map((a) => a.key)).toEqual(['firmwareUrl']);
    const bAttrs = await api<{ client: unknown[] }>(base, s, 'GET', `/api/v1/devices/${b.id}/attributes`);
    expect(bAttrs.client).toEqual([]);
  });

  it('ThingsBoard telemetry and SenML: publishing for B is refused and counted against C; nothing is stored for B', async () => {
    const before = await refusals(c, 'forbidden_topic');
    const malformed = await refusals(c, 'malformed');
    const bSub = sub(['-u', b.token, '-t', 'v1/devices/me/attributes', '-t', 'v1/devices/me/rpc/request/+']);
    await bSub.ready;
    await pub(port, ['-u', c.token, '-r', '-t', `v1/devices/${b.token}/telemetry`, '-m', '{"pm25":999}']);
    await pub(port, [
      '-u',
      c.token,
      '-t',
      'v1/devices/me/senml',
      '-m',
      JSON.stringify([{ bn: `${b.code}/`, n: 'pm25', v: 998 }]),
    ]);
    expect(await refusals(c, 'forbidden_topic')).toBe(before + 1);
    expect(await refusals(c, 'malformed')).toBe(malformed + 1);
    expect(await latest(b)).toEqual([]);
    await pushShared(b, { probe: 1 });
    expect((await bSub.next()).payload).toBe('{"probe":1}');
    // Subscribing to telemetry topics (own or B's) is refused.
    const spy = sub([
      '-u',
      c.token,
      '-t',
      'v1/devices/me/telemetry',
      '-t',
      `v1/devices/${b.token}/telemetry`,
    ]);
    expect(await spy.ready).toEqual([128, 128]);
  });

  it('ThingsBoard gateway: a non-gateway cannot publish for B, and a forged gateway RPC does not reach the gateway', async () => {
    const before = await refusals(c, 'forbidden_topic');
    const gwSub = sub(['-u', gateway.token, '-t', 'v1/gateway/rpc', '-t', 'v1/devices/me/rpc/request/+']);
    expect(await gwSub.ready).toEqual([1, 1]);
    const forged = JSON.stringify({ [b.code]: [{ ts: Date.now(), values: { pm25: 997 } }] });
    await pub(port, ['-u', c.token, '-t', 'v1/gateway/telemetry', '-m', forged]);
    await pub(port, [
      '-u',
      c.token,
      '-r',
      '-t',
      'v1/gateway/rpc',
      '-m',
      JSON.stringify({ device: b.code, data: { id: 1, method: 'open' } }),
    ]);
    expect(await refusals(c, 'forbidden_topic')).toBe(before + 2);
    expect(await latest(b)).toEqual([]);
    const cmd = await command(gateway, { method: 'gwPing', oneway: true });
    expect((await gwSub.next()).topic).toBe(`v1/devices/me/rpc/request/${cmd.requestId}`);
    // Only gateways may listen on gateway topics.
    const spy = sub(['-u', c.token, '-t', 'v1/gateway/rpc']);
    expect(await spy.ready).toEqual([128]);
  });

  it('FIWARE attrs and cmd: a device token cannot publish for the key’s device or forge its command; the platform’s command goes through', async () => {
    const before = await refusals(c, 'forbidden_topic');
    const fSub = sub(['-u', apikey, '-t', `/${apikey}/${fiware.code}/cmd`]);
    expect(await fSub.ready).toEqual([1]);
    await pub(port, ['-u', c.token, '-t', `/json/${apikey}/${fiware.code}/attrs`, '-m', '{"pm25":996}']);
    await pub(port, ['-u', c.token, '-r', '-t', `/${apikey}/${fiware.code}/cmd`, '-m', '{"reboot":""}']);
    expect(await refusals(c, 'forbidden_topic')).toBe(before + 2);
    expect(await latest(fiware)).toEqual([]);
    const pending = command(fiware, { method: 'setLed', params: 'on', timeoutMs: 15_000 });
    expect(await fSub.next()).toMatchObject({
      topic: `/${apikey}/${fiware.code}/cmd`,
      payload: '{"setLed":"on"}',
    });
    await pub(port, ['-u', apikey, '-t', `/json/${apikey}/${fiware.code}/cmdexe`, '-m', '{"setLed":"OK"}']);
    expect(await pending).toMatchObject({ status: 'succeeded', response: 'OK' });
    // A device token may not listen on the key's command topic.
    const spy = sub(['-u', c.token, '-t', `/${apikey}/${fiware.code}/cmd`]);
    expect(await spy.ready).toEqual([128]);
  });

  it('C cannot subscribe to B’s topics, and cannot take B’s client id: B stays connected', async () => {
    const spy = sub([
      '-u',
      c.token,
      '-t',
      `v1/devices/${b.token}/attributes`,
      '-t',
      `$civitas/d/${b.id}/rpc/request/+`,
      '-t',
      '#',
      '-t',
      '$civitas/#',
    ]);
    expect(await spy.ready).toEqual([128, 128, 128, 128]);
    const bSub = sub(['-u', b.token, '-i', `b-${b.code}`, '-t', 'v1/devices/me/attributes']);
    await bSub.ready;
    const takeover = await runClient('mosquitto_sub', [
      '-p',
      port,
      '-u',
      c.token,
      '-i',
      `b-${b.code}`,
      '-t',
      'v1/devices/me/attributes',
      '-W',
      '5',
    ]);
    expect(takeover.code).not.toBe(0);
    expect(takeover.stderr).toMatch(/identifier rejected/i);
    await pushShared(b, { still: 'connected' });
    expect((await bSub.next()).payload).toBe('{"still":"connected"}');
    expect(bSub.running).toBe(true);
  });
});
