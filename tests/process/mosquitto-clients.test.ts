import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api as apiAt, runClient, type Session } from './mqtt-support.js';
import { childEnv, DEMO_PASSWORD, demoDataDir, signIn, startServer, type Running } from './support.js';

// The "done when", tried the way an integrator would: Debian's real `mosquitto_pub`
// against a running Civitas, with ThingsBoard's and FIWARE's topic and credential conventions,
// and the reading read back from the latest-state API.

const ci = process.env.CI === 'true' || process.env.CI === '1';
const password = DEMO_PASSWORD;

/** `mosquitto_pub` at QoS 1, so it returns only after the PUBACK. */
const mosquittoPub = (args: string[]) => runClient('mosquitto_pub', ['-q', '1', ...args]);

const api = <T>(server: Running, s: Session, method: string, path: string, body?: unknown) =>
  apiAt<T>(server.url, s, method, path, body);

interface DeviceRow {
  id: string;
  code: string;
  orgUnitId: string;
  location: { type: 'Point'; coordinates: [number, number] };
}

/** Registers an air-quality device next to an existing demo device of the caller's community. */
async function registerDevice(server: Running, s: Session, apiKeyGroupId: string | null = null) {
  const { items } = await api<{ items: DeviceRow[] }>(server, s, 'GET', '/api/v1/devices?limit=1');
  const near = items[0]!;
  const code = `MQ-${randomBytes(4).toString('hex')}`;
  const created = await api<DeviceRow & { token: string }>(server, s, 'POST', '/api/v1/devices', {
    code,
    name: `mosquitto_pub ${code}`,
    profile: 'air-quality',
    location: near.location,
    apiKeyGroupId,
  });
  return { ...created, orgUnitId: near.orgUnitId };
}

/** Polls the digital twin until `metric` holds `value`; the wait is bounded, never a fixed sleep. */
async function waitForLatest(server: Running, s: Session, deviceId: string, metric: string, value: number) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const latest = await api<{ metrics: { metric: string; value: unknown }[] }>(
      server,
      s,
      'GET',
      `/api/v1/devices/${deviceId}/latest`,
    );
    if (latest.metrics.some((m) => m.metric === metric && m.value === value)) return;
    if (Date.now() > deadline)
      throw new Error(`${metric}=${value} never became visible: ${JSON.stringify(latest)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A port that is free right now; the broker moves to the next free one if it is taken meanwhile. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });

const mqttPortOf = (server: Running) => {
  const m = /embedded broker at mqtt:\/\/[^:]+:(\d+)/.exec(server.output());
  if (!m) throw new Error(`no MQTT port in the banner:\n${server.output()}`);
  return m[1]!;
};

describe('real mosquitto_pub against the embedded broker', () => {
  let server: Running;
  let s: Session;
  beforeAll(async () => {
    server = await startServer(
      childEnv({
        DATA_DIR: demoDataDir('mqttpub'),
        PORT: '0',
        MQTT_PORT: String(await freePort()),
        DEMO: 'true',
        DEMO_SIMULATOR: 'false',
        DEMO_PASSWORD: password,
      }),
    );
    s = await signIn(server.url, 'demo-community-1', password);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('stores a ThingsBoard telemetry publish made with the device token as username', async () => {
    const device = await registerDevice(server, s);
    const r = await mosquittoPub([
      '-p',
      mqttPortOf(server),
      '-u',
      device.token,
      '-t',
      'v1/devices/me/telemetry',
      '-m',
      JSON.stringify({ pm25: 37.5, pm10: 61 }),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await waitForLatest(server, s, device.id, 'pm25', 37.5);
  });

  it('stores a FIWARE IoT Agent JSON publish made with the API key', async () => {
    const group = await api<{ id: string; apikey: string }>(server, s, 'POST', '/api/v1/api-key-groups', {
      name: 'mosquitto_pub',
      orgUnitId: (await api<{ items: DeviceRow[] }>(server, s, 'GET', '/api/v1/devices?limit=1')).items[0]!
        .orgUnitId,
    });
    const device = await registerDevice(server, s, group.id);
    const r = await mosquittoPub([
      '-p',
      mqttPortOf(server),
      '-u',
      group.apikey,
      '-t',
      `/json/${group.apikey}/${device.code}/attrs`,
      '-m',
      JSON.stringify({ pm25: 12.25, no2: 40 }),
    ]);
    expect(r.code).toBe(0);
    await waitForLatest(server, s, device.id, 'pm25', 12.25);
  });

  it('refuses MQTT 5: the embedded broker (aedes 1.2) speaks MQTT 3.1 and 3.1.1 only', async () => {
    const device = await registerDevice(server, s);
    const r = await mosquittoPub([
      '-p',
      mqttPortOf(server),
      '-V',
      'mqttv5',
      '-u',
      device.token,
      '-t',
      'v1/devices/me/telemetry',
      '-m',
      JSON.stringify({ pm25: 55 }),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unsupported protocol version/i);
    const latest = await api<{ metrics: unknown[] }>(server, s, 'GET', `/api/v1/devices/${device.id}/latest`);
    expect(latest.metrics).toEqual([]);
  });

  it('refuses a wrong token with CONNACK "not authorized" and stores nothing', async () => {
    const device = await registerDevice(server, s);
    const r = await mosquittoPub([
      '-p',
      mqttPortOf(server),
      '-u',
      'not-a-token',
      '-t',
      'v1/devices/me/telemetry',
      '-m',
      JSON.stringify({ pm25: 99 }),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.toLowerCase()).toMatch(/not authori[sz]ed/);
    const latest = await api<{ metrics: unknown[] }>(server, s, 'GET', `/api/v1/devices/${device.id}/latest`);
    expect(latest.metrics).toEqual([]);
  });
});

const mosquittoUp = () =>
  new Promise<boolean>((resolve) => {
    const sock = net.connect(
      { host: '127.0.0.1', port: 1883, timeout: 2000 },
      () => (sock.destroy(), resolve(true)),
    );
    sock.on('error', () => resolve(false));
    sock.on('timeout', () => (sock.destroy(), resolve(false)));
  });

describe("real mosquitto_pub through the machine's Mosquitto (MQTT_URL)", async () => {
  const up = await mosquittoUp();
  if (!up && ci) throw new Error('Mosquitto at 127.0.0.1:1883 is unreachable; CI requires it.');
  if (!up)
    console.warn('\n*** NOTICE: no Mosquitto at 127.0.0.1:1883: the external-broker check is SKIPPED. ***\n');

  let server: Running;
  let s: Session;
  beforeAll(async () => {
    if (!up) return;
    server = await startServer(
      childEnv({
        DATA_DIR: demoDataDir('mqttext'),
        PORT: '0',
        DEMO: 'true',
        DEMO_SIMULATOR: 'false',
        DEMO_PASSWORD: password,
        MQTT_URL: 'mqtt://127.0.0.1:1883',
        // A group of its own, so no other subscriber on the shared broker takes these messages.
        MQTT_SHARED_GROUP: `t${randomBytes(4).toString('hex')}`,
      }),
    );
    s = await signIn(server.url, 'demo-community-1', password);
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
  });

  it.skipIf(!up)('stores a ThingsBoard-convention publish with the token in the topic', async () => {
    expect(server.output()).toContain('MQTT: subscribed at mqtt://127.0.0.1:1883');
    const device = await registerDevice(server, s);
    const r = await mosquittoPub([
      '-p',
      '1883',
      '-t',
      `v1/devices/${device.token}/telemetry`,
      '-m',
      JSON.stringify({ ts: Date.now(), values: { pm25: 48.5 } }),
    ]);
    expect(r.code).toBe(0);
    await waitForLatest(server, s, device.id, 'pm25', 48.5);
  });
});
