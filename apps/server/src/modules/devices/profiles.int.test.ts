import mqtt from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { EmbeddedBroker } from '../telemetry/doors/embedded-broker.js';

let t: TestApp;
let admin: Client;
let ca1: Client;
let broker: EmbeddedBroker;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
  ca1 = await t.login('ca1');
  broker = new EmbeddedBroker(
    t.services.directory,
    t.services.router,
    t.services.bus,
    pino({ level: 'silent' }),
  );
  url = `mqtt://127.0.0.1:${await broker.start({ port: 0, host: '127.0.0.1', portAttempts: 0 })}`;
});

afterAll(async () => {
  await broker.close();
});

const put = (who: Client, path: string, payload: unknown) =>
  who.app.inject({
    method: 'PUT',
    url: path,
    headers: { cookie: who.cookie, 'x-csrf-token': who.csrf },
    payload: payload as Record<string, unknown>,
  });

const soilProfile = (code: string) => ({
  code,
  name: { 'zh-CN': '土壤墒情仪', en: 'Soil moisture probe' },
  entityType: 'DeviceMeasurement',
  metrics: [
    {
      key: 'soilMoisture',
      name: { 'zh-CN': '土壤湿度', en: 'Soil moisture' },
      type: 'number',
      unit: 'P1',
      min: 0,
      max: 100,
      thingsboardKey: 'sm',
      objectId: 'm',
    },
    {
      key: 'soilTemperature',
      name: { 'zh-CN': '土壤温度', en: 'Soil temperature' },
      type: 'number',
      unit: 'CEL',
      min: -30,
      max: 70,
    },
  ],
  events: [],
  reportingIntervalS: 600,
  inactivityTimeoutS: 3600,
  rawRetentionDays: 30,
  rollupRetentionDays: 365,
});

const auditActions = async (targetId: string) =>
  (
    await t.services.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'device_profile')
      .where('target_id', '=', targetId)
      .orderBy('seq')
      .execute()
  ).map((r) => r.action);

const latest = async (deviceId: string) =>
  Object.fromEntries(
    (await admin.get(`/api/v1/devices/${deviceId}/latest`))
      .json()
      .metrics.map((m: { metric: string; value: unknown }) => [m.metric, m.value]),
  );

describe('device profiles as data', () => {
  it('only a root-level device administrator defines profiles, and the list says so', async () => {
    expect((await ca1.get('/api/v1/device-profiles')).json().canDefine).toBe(false);
    expect((await admin.get('/api/v1/device-profiles')).json().canDefine).toBe(true);
    const refused = await ca1.post('/api/v1/device-profiles', soilProfile('soil-ca1'));
    expect(refused.statusCode).toBe(403);
    const none = await t.services.database.db
      .selectFrom('device_profiles')
      .select('id')
      .where('code', '=', 'soil-ca1')
      .execute();
    expect(none).toEqual([]);
  });

  it('validates ranges, units, names and key collisions with field paths', async () => {
    const bad = soilProfile('soil-bad');
    bad.metrics[0]!.min = 100;
    bad.metrics[1]!.unit = 'degrees';
    bad.metrics[1]!.thingsboardKey = 'sm';
    delete (bad.metrics[0] as { name?: unknown }).name;
    const res = await admin.post('/api/v1/device-profiles', bad);
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.metrics.0.max',
        'body.metrics.1.unit',
        'body.metrics.1.thingsboardKey',
        'body.metrics.0.name',
      ]),
    );
  });

  it('creates, audits, refuses built-ins, copies them, and refuses retired profiles for new devices', async () => {
    const created = await admin.post('/api/v1/device-profiles', soilProfile('soil-a'));
    expect(created.statusCode, created.body).toBe(201);
    const p = created.json();
    expect(p).toMatchObject({ code: 'soil-a', builtin: false, retiredAt: null, deviceCount: 0 });
    expect(await auditActions(p.id)).toEqual(['device_profile.create']);

    const profiles = (await admin.get('/api/v1/device-profiles')).json().items;
    const noise = profiles.find((x: { code: string }) => x.code === 'noise');
    const { id: _id, builtin: _b, retiredAt: _r, deviceCount: _d, updatedAt, code: _c, ...body } = noise;
    const named = body.metrics.map((m: { key: string }) => ({ ...m, name: { 'zh-CN': m.key, en: m.key } }));
    const changeBuiltin = await put(admin, `/api/v1/device-profiles/${noise.id}`, {
      ...body,
      metrics: named,
      version: updatedAt,
    });
    expect(changeBuiltin.statusCode).toBe(409);
    expect(changeBuiltin.json().code).toBe('profile_builtin');

    const copy = await admin.post(`/api/v1/device-profiles/${noise.id}/copy`, { code: 'noise-vendor-x' });
    expect(copy.statusCode, copy.body).toBe(201);
    expect(copy.json().metrics.map((m: { key: string }) => m.key)).toEqual(['LAeq', 'LAmax']);
    expect(copy.json().builtin).toBe(false);

    const retired = await admin.post(`/api/v1/device-profiles/${p.id}/retire`);
    expect(retired.json().retiredAt).not.toBeNull();
    const dev = await admin.post('/api/v1/devices', {
      code: 'SOIL-R',
      name: 'retired',
      profile: 'soil-a',
      location: { type: 'Point', coordinates: [113.82, 22.55] },
    });
    expect(dev.statusCode).toBe(400);
    expect(dev.json().code).toBe('profile_retired');
    expect(await auditActions(p.id)).toEqual(['device_profile.create', 'device_profile.retire']);
    // Unused, it may go entirely.
    expect((await admin.delete(`/api/v1/device-profiles/${p.id}`)).statusCode).toBe(204);
  });

  it('ingests mapped keys in ThingsBoard and FIWARE over MQTT, and a changed mapping applies at once', async () => {
    const p = (await admin.post('/api/v1/device-profiles', soilProfile('soil-mqtt'))).json();
    const d = await admin.post('/api/v1/devices', {
      code: 'SOIL-1',
      name: 'Soil 1',
      profile: 'soil-mqtt',
      location: { type: 'Point', coordinates: [113.82, 22.55] },
    });
    expect(d.statusCode, d.body).toBe(201);
    const { id: deviceId, token } = d.json();
    const group = (
      await admin.post('/api/v1/api-key-groups', { name: 'soil', orgUnitId: t.units.get('C1')!.id })
    ).json();
    const fd = await admin.post('/api/v1/devices', {
      code: 'SOIL-F',
      name: 'Soil F',
      profile: 'soil-mqtt',
      location: { type: 'Point', coordinates: [113.82, 22.55] },
      apiKeyGroupId: group.id,
    });
    const fiwareId = fd.json().id;

    const tb = await mqtt.connectAsync(url, { username: token, reconnectPeriod: 0 });
    const fw = await mqtt.connectAsync(url, { username: group.apikey, reconnectPeriod: 0 });
    try {
      await tb.publishAsync('v1/devices/me/telemetry', JSON.stringify({ sm: 41.5, soilTemperature: 18 }), {
        qos: 1,
      });
      // The metric's own key is still accepted beside its ThingsBoard key.
      await tb.publishAsync('v1/devices/me/telemetry', JSON.stringify({ soilMoisture: 42 }), { qos: 1 });
      await fw.publishAsync(
        `/json/${group.apikey}/SOIL-F/attrs`,
        JSON.stringify({ m: 33, soilTemperature: 12 }),
        {
          qos: 1,
        },
      );
      expect(await latest(deviceId)).toEqual({ soilMoisture: 42, soilTemperature: 18 });
      expect(await latest(fiwareId)).toEqual({ soilMoisture: 33, soilTemperature: 12 });

      // Change the mapping and a range; the running server applies it to the next message.
      const changed = soilProfile('soil-mqtt');
      changed.metrics[0]!.thingsboardKey = 'moisture';
      changed.metrics[0]!.objectId = 'mo';
      changed.metrics[1]!.max = 20;
      const { code: _c, ...body } = changed;
      const upd = await put(admin, `/api/v1/device-profiles/${p.id}`, { ...body, version: p.updatedAt });
      expect(upd.statusCode, upd.body).toBe(200);
      // Saving again with the old version is refused.
      const stale = await put(admin, `/api/v1/device-profiles/${p.id}`, { ...body, version: p.updatedAt });
      expect(stale.json().code).toBe('stale_version');

      await tb.publishAsync('v1/devices/me/telemetry', JSON.stringify({ sm: 1, moisture: 55 }), { qos: 1 });
      await tb.publishAsync('v1/devices/me/telemetry', JSON.stringify({ soilTemperature: 25 }), { qos: 1 });
      await fw.publishAsync(`/json/${group.apikey}/SOIL-F/attrs`, JSON.stringify({ mo: 34, m: 2 }), {
        qos: 1,
      });
      expect(await latest(deviceId)).toEqual({ soilMoisture: 55, soilTemperature: 25 });
      expect(await latest(fiwareId)).toMatchObject({ soilMoisture: 34 });
      const flagged = await t.services.database.db
        .selectFrom('device_state')
        .select('outlier')
        .where('device_id', '=', deviceId)
        .where('metric', '=', 'soilTemperature')
        .executeTakeFirstOrThrow();
      expect(flagged.outlier).toBe(true);
      const dev = (await admin.get(`/api/v1/devices/${deviceId}`)).json();
      // `sm` after the mapping moved to `moisture`: neither a payload key nor a metric key.
      expect(dev.rejections.find((r: { reason: string }) => r.reason === 'unknown_metric').count).toBe(1);
    } finally {
      await tb.endAsync();
      await fw.endAsync();
    }

    // soilTemperature has readings: removing it is refused; the profile is in use: no delete.
    const fresh = (await admin.get(`/api/v1/device-profiles/${p.id}`)).json();
    const without = soilProfile('soil-mqtt');
    without.metrics = [without.metrics[0]!];
    const { code: _c2, ...body2 } = without;
    const drop = await put(admin, `/api/v1/device-profiles/${p.id}`, { ...body2, version: fresh.updatedAt });
    expect(drop.statusCode).toBe(409);
    expect(drop.json().code).toBe('metric_has_data');
    const del = await admin.delete(`/api/v1/device-profiles/${p.id}`);
    expect(del.json().code).toBe('profile_in_use');
  });

  it('imports a file all or nothing, with a per-profile report and a dry run', async () => {
    const good = soilProfile('soil-imp');
    const bad = { ...soilProfile('soil-imp-bad'), rollupRetentionDays: 1 };
    const mixed = await admin.post('/api/v1/device-profiles/import', {
      format: 'civitas.device-profiles/1',
      profiles: [good, bad, { ...soilProfile('air-quality') }],
    });
    expect(mixed.statusCode).toBe(200);
    const r = mixed.json();
    expect(r.applied).toBe(false);
    expect(r.items.map((i: { action: string }) => i.action)).toEqual(['create', 'refused', 'refused']);
    expect(r.items[1].errors[0].path).toBe('rollupRetentionDays');
    expect(r.items[2].errors[0].code).toBe('profile_builtin');
    const codes = async () =>
      (await admin.get('/api/v1/device-profiles')).json().items.map((p: { code: string }) => p.code);
    expect(await codes()).not.toContain('soil-imp');

    const dry = (
      await admin.post('/api/v1/device-profiles/import?dryRun=true', {
        format: 'civitas.device-profiles/1',
        profiles: [good],
      })
    ).json();
    expect(dry).toMatchObject({ dryRun: true, applied: false, items: [{ action: 'create', errors: [] }] });
    expect(await codes()).not.toContain('soil-imp');

    const done = (
      await admin.post('/api/v1/device-profiles/import', {
        format: 'civitas.device-profiles/1',
        profiles: [good],
      })
    ).json();
    expect(done.applied).toBe(true);
    expect(await codes()).toContain('soil-imp');

    // Export round-trips: importing the export changes nothing.
    const file = (await admin.get('/api/v1/device-profiles/export')).json();
    expect(file.profiles.map((p: { code: string }) => p.code)).toContain('soil-imp');
    expect(file.profiles.some((p: { code: string }) => p.code === 'noise')).toBe(false);
    const again = (await admin.post('/api/v1/device-profiles/import', file)).json();
    expect(again.items.every((i: { action: string }) => i.action === 'unchanged')).toBe(true);
  });
});
