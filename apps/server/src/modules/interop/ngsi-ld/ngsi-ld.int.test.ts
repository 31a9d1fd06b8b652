import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import { CORE_CONTEXT } from './ngsi-ld.context.js';

let t: TestApp;
let ca1: Client;
let token: string;
let gw2Token: string;
const devices = new Map<string, { id: string; token: string }>();
const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';
const AQ = 'urn:ngsi-ld:AirQualityObserved:';
const T0 = Date.now() - 3_600_000;

function ngsi(
  url: string,
  opts: {
    bearer?: string | null;
    method?: 'GET' | 'POST';
    accept?: string;
    type?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
) {
  const bearer = opts.bearer === undefined ? token : opts.bearer;
  return t.app.inject({
    method: opts.method ?? 'GET',
    url: `/ngsi-ld/v1${url}`,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(opts.accept ? { accept: opts.accept } : {}),
      ...(opts.body !== undefined ? { 'content-type': opts.type ?? 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
  });
}
const ids = (body: { id: string }[]) => body.map((e) => e.id);

async function device(by: Client, code: string, profile: string, lng: number, lat: number) {
  const res = await by.post('/api/v1/devices', {
    code,
    name: `${code} station`,
    profile,
    location: { type: 'Point', coordinates: [lng, lat] },
  });
  expect(res.statusCode, res.body).toBe(201);
  devices.set(code, res.json());
}
async function feed(code: string, ts: number, values: Record<string, unknown>) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/ingest/${devices.get(code)!.token}/telemetry`,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ ts, values }),
  });
  expect(res.json().rejected, res.body).toEqual([]);
}
async function apiToken(by: Client) {
  const res = await by.post('/api/v1/auth/tokens', { name: 'ngsi-ld client' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token as string;
}

beforeAll(async () => {
  t = await createTestApp();
  ca1 = await t.login('ca1');
  const ca2 = await t.login('ca2');
  token = await apiToken(ca1);
  gw2Token = await apiToken(await t.login('gw2'));
  await device(ca1, 'AQ-0001', 'air-quality', 113.82, 22.55); // G1
  await device(ca1, 'AQ-0002', 'air-quality', 113.86, 22.55); // G2, ~4.1 km east
  await device(ca1, 'AQ-0003', 'air-quality', 113.83, 22.58); // G1, ~3.5 km north-east
  await device(ca1, 'PS-1', 'parking-spot', 113.81, 22.52);
  await device(ca1, 'WL-1', 'water-level', 113.84, 22.51);
  await device(ca2, 'AQ-9001', 'air-quality', 113.85, 22.65); // C2
  await feed('AQ-0001', T0, { pm25: 30, pm10: 50 });
  await feed('AQ-0001', T0 + 60_000, { pm25: 40, pm10: 60 });
  await feed('AQ-0001', T0 + 120_000, { pm25: 45 });
  await feed('AQ-0002', T0, { pm25: 10, pm10: 20 });
  await feed('AQ-0003', T0, { pm25: 80, pm10: 120 });
  await feed('PS-1', T0, { status: 'free' });
  await feed('WL-1', T0, { waterLevel: 1.2 });
  await feed('AQ-9001', T0, { pm25: 5 });
});

describe('GET /entities', () => {
  it('lists air quality entities near a point (acceptance)', async () => {
    const res = await ngsi(
      '/entities?type=AirQualityObserved&georel=near;maxDistance==2000&geometry=Point&coordinates=[113.82,22.55]',
    );
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(ids(body)).toEqual([`${AQ}AQ-0001`]);
    expect(body[0]).toMatchObject({
      type: 'AirQualityObserved',
      pm25: { type: 'Property', value: 45, unitCode: 'GQ', observedAt: new Date(T0 + 120_000).toISOString() },
      location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [113.82, 22.55] } },
      name: { type: 'Property', value: 'AQ-0001 station' },
      areaServed: { type: 'Property', value: 'G1' },
    });
    const wider = await ngsi(
      '/entities?type=AirQualityObserved&georel=near;maxDistance==3600&geometry=Point&coordinates=[113.82,22.55]',
    );
    expect(ids(wider.json())).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0003`]);
    const ring = await ngsi(
      '/entities?type=AirQualityObserved&georel=near;minDistance==2000&geometry=Point&coordinates=[113.82,22.55]',
    );
    expect(ids(ring.json())).toEqual([`${AQ}AQ-0002`, `${AQ}AQ-0003`]);
  });

  it('filters within a polygon and only inside the caller scope', async () => {
    const g1 = JSON.stringify([
      [
        [113.8, 22.5],
        [113.85, 22.5],
        [113.85, 22.7],
        [113.8, 22.7],
        [113.8, 22.5],
      ],
    ]);
    const res = await ngsi(
      `/entities?type=AirQualityObserved&georel=within&geometry=Polygon&coordinates=${encodeURIComponent(g1)}`,
    );
    expect(ids(res.json())).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0003`]);
    const all = await ngsi('/entities?type=AirQualityObserved');
    expect(ids(all.json())).not.toContain(`${AQ}AQ-9001`);
    const gw2 = await ngsi('/entities?type=AirQualityObserved', { bearer: gw2Token });
    expect(ids(gw2.json())).toEqual([`${AQ}AQ-0002`]);
  });

  it('applies q with comparisons, ranges, strings and AND', async () => {
    const q = async (expr: string, type = 'AirQualityObserved') =>
      ids((await ngsi(`/entities?type=${type}&q=${encodeURIComponent(expr)}`)).json());
    expect(await q('pm25>35')).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0003`]);
    expect(await q('pm25==10..50')).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0002`]);
    expect(await q('pm25>35;pm10<100')).toEqual([`${AQ}AQ-0001`]);
    expect(await q('pm25<20|pm25>70')).toEqual([`${AQ}AQ-0002`, `${AQ}AQ-0003`]);
    expect(await q('status=="free"', 'ParkingSpot')).toEqual(['urn:ngsi-ld:ParkingSpot:PS-1']);
    expect(await q('status=="occupied"', 'ParkingSpot')).toEqual([]);
    const pattern = await ngsi(
      `/entities?idPattern=${encodeURIComponent('^urn:ngsi-ld:AirQualityObserved:AQ-000[13]$')}`,
    );
    expect(ids(pattern.json())).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0003`]);
    const bad = await ngsi('/entities?type=AirQualityObserved&q=pm25%3E');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toBe(`${ERR}BadRequestData`);
  });

  it('projects attrs and simplifies with keyValues', async () => {
    const res = await ngsi(`/entities?id=${AQ}AQ-0001&attrs=pm25,location&options=keyValues`);
    expect(res.json()).toEqual([
      {
        id: `${AQ}AQ-0001`,
        type: 'AirQualityObserved',
        pm25: 45,
        location: { type: 'Point', coordinates: [113.82, 22.55] },
      },
    ]);
    // Entities with none of the attrs are not matched (clause 5.7.2).
    const level = await ngsi('/entities?attrs=waterLevel');
    expect(ids(level.json())).toEqual(['urn:ngsi-ld:Device:WL-1']);
    expect(level.json()[0]).toEqual({
      id: 'urn:ngsi-ld:Device:WL-1',
      type: 'Device',
      waterLevel: expect.objectContaining({ value: 1.2, unitCode: 'MTR' }),
    });
  });

  it('presents Device entities with controlledProperty, deviceState and dateLastValueReported', async () => {
    const res = await ngsi('/entities/urn:ngsi-ld:Device:WL-1?options=keyValues');
    expect(res.json()).toMatchObject({
      controlledProperty: ['waterLevel', 'batteryLevel'],
      deviceState: 'active',
      dateLastValueReported: new Date(T0).toISOString(),
    });
  });

  it('pages ordered by id with a results count', async () => {
    const first = await ngsi('/entities?type=AirQualityObserved&limit=2&count=true');
    expect(first.headers['ngsild-results-count']).toBe('3');
    expect(ids(first.json())).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0002`]);
    const second = await ngsi('/entities?type=AirQualityObserved&limit=2&offset=2');
    expect(ids(second.json())).toEqual([`${AQ}AQ-0003`]);
    expect(second.headers['ngsild-results-count']).toBeUndefined();
    const beyond = await ngsi('/entities?type=AirQualityObserved&offset=10&count=true');
    expect(beyond.json()).toEqual([]);
    expect(beyond.headers['ngsild-results-count']).toBe('3');
  });

  it('refuses bad parameters with NGSI-LD errors', async () => {
    const tooMany = await ngsi('/entities?type=AirQualityObserved&limit=1001');
    // CIM 009 v1.8 clause 5.5.9 and table 6.3.2-1: TooManyResults is 403.
    expect(tooMany.statusCode).toBe(403);
    expect(tooMany.json().type).toBe(`${ERR}TooManyResults`);
    expect(tooMany.headers['content-type']).toMatch(/^application\/json/);
    for (const url of [
      '/entities?type=AirQualityObserved&limit=-1',
      '/entities?type=AirQualityObserved&georel=around&geometry=Point&coordinates=[113.82,22.55]',
      '/entities?type=AirQualityObserved&georel=near;maxDistance==10',
      '/entities',
      '/entities?type=AirQualityObserved&options=fancy',
    ]) {
      const res = await ngsi(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json()).toMatchObject({
        type: `${ERR}BadRequestData`,
        title: expect.any(String),
        detail: expect.any(String),
      });
    }
  });
});

describe('GET /entities/{id}', () => {
  it('retrieves one entity, and 404s for another community or an unknown id', async () => {
    const res = await ngsi(`/entities/${AQ}AQ-0001?attrs=pm10`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: `${AQ}AQ-0001`,
      type: 'AirQualityObserved',
      pm10: expect.objectContaining({ value: 60 }),
    });
    for (const id of [`${AQ}AQ-9001`, `${AQ}AQ-4242`, 'urn:ngsi-ld:Streetlight:AQ-0001']) {
      const miss = await ngsi(`/entities/${encodeURIComponent(id)}`);
      expect(miss.statusCode, id).toBe(404);
      expect(miss.json().type).toBe(`${ERR}ResourceNotFound`);
    }
  });
});

describe('@context, tenants and authentication', () => {
  it('puts @context in the body for application/ld+json and a Link header for application/json', async () => {
    const ld = await ngsi(`/entities/${AQ}AQ-0001`, { accept: 'application/ld+json' });
    expect(ld.headers['content-type']).toMatch(/^application\/ld\+json/);
    expect(ld.json()['@context']).toBe(CORE_CONTEXT);
    expect(ld.headers.link).toBeUndefined();
    const json = await ngsi(`/entities/${AQ}AQ-0001`, {
      accept: 'application/json',
      headers: {
        link: `<${CORE_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`,
      },
    });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()['@context']).toBeUndefined();
    expect(json.headers.link).toContain(CORE_CONTEXT);
    expect(json.headers.link).toContain('rel="http://www.w3.org/ns/json-ld#context"');
  });

  it('refuses a tenant: Civitas is single-tenant', async () => {
    const res = await ngsi('/entities?type=AirQualityObserved', { headers: { 'ngsild-tenant': 'other' } });
    expect(res.statusCode).toBe(501);
    expect(res.json().type).toBe(`${ERR}NoMultiTenantSupport`);
  });

  it('requires a bearer token, in NGSI-LD error shape', async () => {
    const res = await ngsi('/entities?type=AirQualityObserved', { bearer: null });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toMatchObject({ title: 'Unauthorized', detail: expect.any(String) });
    const unknown = await ngsi('/nothing-here');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().type).toBe(`${ERR}ResourceNotFound`);
  });
});

describe('POST /entityOperations/upsert', () => {
  it('feeds the same ingestion pipeline and answers 204', async () => {
    const observedAt = new Date(Date.now() - 5_000).toISOString();
    const res = await ngsi('/entityOperations/upsert', {
      method: 'POST',
      body: [
        {
          id: `${AQ}AQ-0002`,
          type: 'AirQualityObserved',
          pm25: { type: 'Property', value: 22.5, observedAt },
          no2: { type: 'Property', value: 17 },
        },
        {
          id: 'urn:ngsi-ld:ParkingSpot:PS-1',
          type: 'ParkingSpot',
          status: 'occupied',
          location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [0, 0] } },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(204);
    const latest = (await ca1.get(`/api/v1/devices/${devices.get('AQ-0002')!.id}/latest`)).json();
    const byMetric = Object.fromEntries(
      latest.metrics.map((m: { metric: string; value: unknown; ts: string }) => [m.metric, m]),
    );
    expect(byMetric.pm25).toMatchObject({ value: 22.5, ts: observedAt });
    expect(byMetric.no2.value).toBe(17);
    const spot = await ngsi('/entities/urn:ngsi-ld:ParkingSpot:PS-1?options=keyValues');
    expect(spot.json().status).toBe('occupied');
    expect(spot.json().location.coordinates).toEqual([113.81, 22.52]);
  });

  it('answers 207 with per-entity errors for unknown, foreign and rejected entities', async () => {
    const res = await ngsi('/entityOperations/upsert', {
      method: 'POST',
      type: 'application/ld+json',
      body: [
        {
          id: `${AQ}AQ-0003`,
          type: 'AirQualityObserved',
          pm25: { type: 'Property', value: 81 },
          '@context': CORE_CONTEXT,
        },
        {
          id: `${AQ}AQ-9001`,
          type: 'AirQualityObserved',
          pm25: { type: 'Property', value: 1 },
          '@context': CORE_CONTEXT,
        },
        {
          id: `${AQ}AQ-NEW`,
          type: 'AirQualityObserved',
          pm25: { type: 'Property', value: 1 },
          '@context': CORE_CONTEXT,
        },
        {
          id: `${AQ}AQ-0001`,
          type: 'AirQualityObserved',
          radiation: { type: 'Property', value: 1 },
          '@context': CORE_CONTEXT,
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(207);
    const body = res.json();
    expect(body.success).toEqual([`${AQ}AQ-0003`]);
    expect(body.errors.map((e: { entityId: string }) => e.entityId)).toEqual([
      `${AQ}AQ-9001`,
      `${AQ}AQ-NEW`,
      `${AQ}AQ-0001`,
    ]);
    expect(body.errors[0].error).toMatchObject({
      type: `${ERR}OperationNotSupported`,
      title: expect.any(String),
    });
    expect(body.errors[2].error.type).toBe(`${ERR}BadRequestData`);
    expect(body.errors[2].error.detail).toMatch(/radiation is not a metric/);
    // The foreign device got nothing.
    const foreign = await t.services.database.db
      .selectFrom('telemetry')
      .select('num')
      .where('device_id', '=', devices.get('AQ-9001')!.id)
      .execute();
    expect(foreign.map((r) => r.num)).toEqual([5]);
  });

  it('checks @context against the Content-Type and needs device.write', async () => {
    const body = [{ id: `${AQ}AQ-0001`, type: 'AirQualityObserved', pm25: 1 }];
    const noContext = await ngsi('/entityOperations/upsert', {
      method: 'POST',
      type: 'application/ld+json',
      body,
    });
    expect(noContext.statusCode).toBe(400);
    expect(noContext.json().type).toBe(`${ERR}BadRequestData`);
    const withContext = await ngsi('/entityOperations/upsert', {
      method: 'POST',
      body: [{ ...body[0], '@context': CORE_CONTEXT }],
    });
    expect(withContext.statusCode).toBe(400);
    const notArray = await ngsi('/entityOperations/upsert', { method: 'POST', body: { id: 'x' } });
    expect(notArray.statusCode).toBe(400);
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/ngsi-ld/v1/entityOperations/upsert',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: '[{"id": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().type).toBe(`${ERR}InvalidRequest`);
    const gw2 = await ngsi('/entityOperations/upsert', { method: 'POST', bearer: gw2Token, body });
    expect(gw2.statusCode).toBe(403);
  });
});

describe('GET /temporal/entities/{id}', () => {
  const between = `timerel=between&timeAt=${new Date(T0 - 1000).toISOString()}&endTimeAt=${new Date(T0 + 90_000).toISOString()}`;

  it('returns Property instances within the window', async () => {
    const res = await ngsi(`/temporal/entities/${AQ}AQ-0001?${between}&attrs=pm25`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      id: `${AQ}AQ-0001`,
      type: 'AirQualityObserved',
      pm25: [
        { type: 'Property', value: 30, observedAt: new Date(T0).toISOString(), unitCode: 'GQ' },
        { type: 'Property', value: 40, observedAt: new Date(T0 + 60_000).toISOString(), unitCode: 'GQ' },
      ],
    });
  });

  it('returns [value, observedAt] pairs with temporalValues, and honours lastN and before/after', async () => {
    const res = await ngsi(`/temporal/entities/${AQ}AQ-0001?${between}&options=temporalValues`, {
      accept: 'application/ld+json',
    });
    const body = res.json();
    expect(body['@context']).toBe(CORE_CONTEXT);
    expect(body.pm10).toEqual({
      type: 'Property',
      values: [
        [50, new Date(T0).toISOString()],
        [60, new Date(T0 + 60_000).toISOString()],
      ],
    });
    const last = await ngsi(`/temporal/entities/${AQ}AQ-0001?attrs=pm25&lastN=1&options=temporalValues`);
    expect(last.json().pm25.values).toEqual([[45, new Date(T0 + 120_000).toISOString()]]);
    const after = await ngsi(
      `/temporal/entities/${AQ}AQ-0001?timerel=after&timeAt=${new Date(T0 + 60_000).toISOString()}&attrs=pm25&options=temporalValues`,
    );
    expect(after.json().pm25.values.map((v: unknown[]) => v[0])).toEqual([45]);
    const bad = await ngsi(
      `/temporal/entities/${AQ}AQ-0001?timerel=between&timeAt=${new Date(T0).toISOString()}`,
    );
    expect(bad.statusCode).toBe(400);
    const foreign = await ngsi(`/temporal/entities/${AQ}AQ-9001?${between}`);
    expect(foreign.statusCode).toBe(404);
  });
});
