import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

let t: TestApp;
let ca1: Client;
let air: { id: string; token: string };

const post = (path: string, body: string, type = 'application/json') =>
  t.app.inject({ method: 'POST', url: path, headers: { 'content-type': type }, payload: body });

beforeAll(async () => {
  t = await createTestApp();
  ca1 = await t.login('ca1');
  const res = await ca1.post('/api/v1/devices', {
    code: 'AQ-0001',
    name: '新田空气站',
    profile: 'air-quality',
    location: { type: 'Point', coordinates: [113.82, 22.55] },
  });
  expect(res.statusCode, res.body).toBe(201);
  air = res.json();
  expect(air.token).toMatch(/^cvd_/);
});

const rows = async (deviceId: string) =>
  t.services.database.db
    .selectFrom('telemetry')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('ts')
    .execute();

describe('HTTP ingestion (ThingsBoard shapes)', () => {
  it('places the device in the grid containing its location', async () => {
    const d = (await ca1.get(`/api/v1/devices/${air.id}`)).json();
    expect(d.orgUnitCode).toBe('G1');
    expect(d.connectivity).toBe('never');
  });

  it('stores readings durably before answering, once per (device, metric, ts)', async () => {
    const body = JSON.stringify({ ts: Date.now() - 1000, values: { pm25: 35, pm10: 52.5 } });
    const first = await post(`/api/v1/ingest/${air.token}/telemetry`, body);
    expect(first.json()).toEqual({ accepted: 2, rejected: [] });
    const again = await post(`/api/v1/ingest/${air.token}/telemetry`, body);
    expect(again.statusCode).toBe(200);
    expect((await rows(air.id)).length).toBe(2);
    const d = (await ca1.get(`/api/v1/devices/${air.id}`)).json();
    expect(d.readingsCount).toBe(2);
    expect(d.connectivity).toBe('active');
  });

  it('accepts every ThingsBoard body shape', async () => {
    const now = Date.now();
    for (const body of [
      { o3: 10 },
      [{ no2: 11 }, { so2: 3 }],
      [
        { ts: now - 5000, values: { co: 0.4 } },
        { ts: now - 4000, values: { co: 0.5 } },
      ],
    ]) {
      const r = await post(`/api/v1/ingest/${air.token}/telemetry`, JSON.stringify(body));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().rejected).toEqual([]);
    }
    const latest = (await ca1.get(`/api/v1/devices/${air.id}/latest`)).json();
    const co = latest.metrics.find((m: { metric: string }) => m.metric === 'co');
    expect(co.value).toBe(0.5);
  });

  it('flags out-of-range values but keeps them; refuses wrong ones with a counted reason', async () => {
    const r = await post(
      `/api/v1/ingest/${air.token}/telemetry`,
      JSON.stringify({ ts: Date.now() - 2000, values: { pm25: 5000, pm10: 'lots', radiation: 1 } }),
    );
    expect(r.json().accepted).toBe(1);
    expect(
      r
        .json()
        .rejected.map((x: { reason: string }) => x.reason)
        .sort(),
    ).toEqual(['not_numeric', 'unknown_metric']);
    const future = await post(
      `/api/v1/ingest/${air.token}/telemetry`,
      JSON.stringify({ ts: Date.now() + 3_600_000, values: { pm25: 1 } }),
    );
    expect(future.json().rejected[0].reason).toBe('future_timestamp');
    const past = await post(
      `/api/v1/ingest/${air.token}/telemetry`,
      JSON.stringify({ ts: Date.now() - 400 * 86_400_000, values: { pm25: 1 } }),
    );
    expect(past.json().rejected[0].reason).toBe('stale_timestamp');
    const malformed = await post(`/api/v1/ingest/${air.token}/telemetry`, '{"pm25": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('malformed_payload');
    const d = (await ca1.get(`/api/v1/devices/${air.id}`)).json();
    expect(d.outlierCount).toBe(1);
    expect(d.errorCount).toBe(5);
    expect(d.lastError).toMatch(/JSON/);
    expect(
      Object.fromEntries(d.rejections.map((x: { reason: string; count: number }) => [x.reason, x.count])),
    ).toEqual({
      not_numeric: 1,
      unknown_metric: 1,
      future_timestamp: 1,
      stale_timestamp: 1,
      malformed: 1,
    });
    const outlier = (await rows(air.id)).find((x) => x.metric === 'pm25' && x.num === 5000);
    expect(outlier?.outlier).toBe(true);
  });

  it('refuses an unknown token with 401 and an oversized body with 413', async () => {
    expect(
      (await post('/api/v1/ingest/cvd_not-a-real-token-at-all/telemetry', '{"pm25":1}')).statusCode,
    ).toBe(401);
    const big = JSON.stringify({ pm25: 1, pad: 'x'.repeat(70_000) });
    expect((await post(`/api/v1/ingest/${air.token}/telemetry`, big)).statusCode).toBe(413);
  });

  it('accepts SenML (RFC 8428) with base values resolved', async () => {
    const now = Date.now() / 1000;
    const pack = [
      { bn: 'urn:dev:civitas:AQ-0001:', bt: now - 10, bu: 'ug/m3', n: 'pm25', v: 12 },
      { n: 'pm10', t: 1, v: 20 },
    ];
    const r = await post(`/api/v1/ingest/${air.token}/senml`, JSON.stringify(pack), 'application/senml+json');
    expect(r.json()).toEqual({ accepted: 2, rejected: [] });
    const other = [{ bn: 'urn:dev:civitas:AQ-9999:', n: 'pm25', v: 1 }];
    expect(
      (await post(`/api/v1/ingest/${air.token}/senml`, JSON.stringify(other), 'application/senml+json'))
        .statusCode,
    ).toBe(400);
  });
});

describe('FIWARE IoT Agent JSON over HTTP', () => {
  it('maps short attribute names through the profile', async () => {
    const group = (
      await ca1.post('/api/v1/api-key-groups', { name: 'noise vendor', orgUnitId: t.units.get('C1')!.id })
    ).json();
    const dev = await ca1.post('/api/v1/devices', {
      code: 'NS-1',
      name: 'noise',
      profile: 'noise',
      location: { type: 'Point', coordinates: [113.86, 22.55] },
      apiKeyGroupId: group.id,
    });
    expect(dev.statusCode).toBe(201);
    const r = await post(`/iot/json?k=${group.apikey}&i=NS-1`, JSON.stringify({ leq: 55.2, lmax: 70 }));
    expect(r.json()).toEqual({ accepted: 2, rejected: [] });
    const latest = (await ca1.get(`/api/v1/devices/${dev.json().id}/latest`)).json();
    expect(latest.metrics.map((m: { metric: string }) => m.metric).sort()).toEqual(['LAeq', 'LAmax']);
    expect((await post(`/iot/json?k=wrongkey&i=NS-1`, '{"leq":1}')).statusCode).toBe(401);
  });
});

describe('reads', () => {
  it('are scoped: another grid worker cannot see the device or its data', async () => {
    const gw2 = await t.login('gw2');
    expect((await gw2.get(`/api/v1/devices/${air.id}`)).statusCode).toBe(404);
    expect((await gw2.get(`/api/v1/devices/${air.id}/latest`)).statusCode).toBe(404);
    const list = (await gw2.get('/api/v1/telemetry/latest')).json();
    expect(list.items.map((d: { code: string }) => d.code)).not.toContain('AQ-0001');
    const gw1 = await t.login('gw1');
    expect((await gw1.get(`/api/v1/devices/${air.id}`)).statusCode).toBe(200);
  });

  it("of a unit's latest state need that unit in scope, and keep to its subtree", async () => {
    const gw1 = await t.login('gw1');
    const latestIn = (unit: string) => gw1.get(`/api/v1/telemetry/latest?unitId=${t.units.get(unit)!.id}`);
    const mine = await latestIn('G1');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items.map((d: { code: string }) => d.code)).toContain('AQ-0001');
    expect((await latestIn('G2')).statusCode).toBe(404);
    const ca = (await ca1.get(`/api/v1/telemetry/latest?unitId=${t.units.get('G2')!.id}`)).json();
    expect(ca.items.map((d: { code: string }) => d.code)).not.toContain('AQ-0001');
  });

  it('serve a series from raw data or from rollups by range', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const raw = (await ca1.get(`/api/v1/devices/${air.id}/series?metric=pm25&from=${from}&to=${to}`)).json();
    expect(raw.bucket).toBe('raw');
    expect(raw.points.length).toBeGreaterThanOrEqual(3);
    const wide = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const minute = (
      await ca1.get(`/api/v1/devices/${air.id}/series?metric=pm25&from=${wide}&to=${to}`)
    ).json();
    expect(minute.bucket).toBe('1m');
    const total = minute.points.reduce((a: number, p: { count: number }) => a + p.count, 0);
    expect(total).toBe(raw.points.length);
    const hour = (
      await ca1.get(`/api/v1/devices/${air.id}/series?metric=pm25&from=${from}&to=${to}&bucket=1h`)
    ).json();
    expect(hour.points[0].max).toBe(5000);
  });
});

describe('device credentials', () => {
  it('stop working at once when rotated or revoked', async () => {
    const res = await ca1.post('/api/v1/devices', {
      code: 'WL-1',
      name: 'level',
      profile: 'water-level',
      location: { type: 'Point', coordinates: [113.81, 22.51] },
    });
    const { id, token } = res.json();
    expect((await post(`/api/v1/ingest/${token}/telemetry`, '{"waterLevel":1.2}')).statusCode).toBe(200);
    const rotated = (await ca1.post(`/api/v1/devices/${id}/token`)).json().token;
    expect((await post(`/api/v1/ingest/${token}/telemetry`, '{"waterLevel":1.3}')).statusCode).toBe(401);
    expect((await post(`/api/v1/ingest/${rotated}/telemetry`, '{"waterLevel":1.3}')).statusCode).toBe(200);
    expect((await ca1.delete(`/api/v1/devices/${id}/token`)).statusCode).toBe(204);
    expect((await post(`/api/v1/ingest/${rotated}/telemetry`, '{"waterLevel":1.4}')).statusCode).toBe(401);
    const stored = await t.services.database.db
      .selectFrom('devices')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).toBeNull();
  });
});

describe('deleting a device', () => {
  it('removes its readings and rollups with it, in one transaction, and keeps other devices’ data', async () => {
    const created = await ca1.post('/api/v1/devices', {
      code: 'AQ-GONE',
      name: 'to be deleted',
      profile: 'air-quality',
      location: { type: 'Point', coordinates: [113.82, 22.55] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const gone: { id: string; token: string } = created.json();
    const body = JSON.stringify({ ts: Date.now() - 2000, values: { pm25: 12, pm10: 20 } });
    expect((await post(`/api/v1/ingest/${gone.token}/telemetry`, body)).statusCode).toBe(200);
    const db = t.services.database.db;
    const count = async (table: 'telemetry' | 'telemetry_1m' | 'telemetry_1h', id: string) =>
      (await db.selectFrom(table).select('device_id').where('device_id', '=', id).execute()).length;
    expect(await count('telemetry', gone.id)).toBe(2);
    expect(await count('telemetry_1m', gone.id)).toBeGreaterThan(0);
    const othersBefore = await count('telemetry', air.id);
    expect(othersBefore).toBeGreaterThan(0);

    expect((await ca1.delete(`/api/v1/devices/${gone.id}`)).statusCode).toBe(204);
    for (const table of ['telemetry', 'telemetry_1m', 'telemetry_1h'] as const)
      expect(await count(table, gone.id), table).toBe(0);
    expect(await count('telemetry', air.id)).toBe(othersBefore);
    expect((await ca1.get(`/api/v1/devices/${gone.id}`)).statusCode).toBe(404);
  });
});
