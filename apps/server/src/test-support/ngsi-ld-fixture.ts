import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { createTestApp, type Client, type TestApp } from './test-app.js';

/**
 * A small district of NGSI-LD entities for the integration tests: air quality, parking and a water
 * level device in community C1, each with readings, and an API token of community admin ca1.
 */
export interface NgsiFixture {
  t: TestApp;
  ca1: Client;
  token: string;
  devices: Map<string, { id: string; token: string }>;
  ngsi(url: string, opts?: NgsiRequest): Promise<LightMyRequestResponse>;
}

export interface NgsiRequest {
  method?: 'GET' | 'POST';
  accept?: string;
  type?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export const AQ = 'urn:ngsi-ld:AirQualityObserved:';
export const ERR = 'https://uri.etsi.org/ngsi-ld/errors/';
export const ids = (body: { id: string }[]) => body.map((e) => e.id);

export async function ngsiFixture(env: Record<string, string> = {}): Promise<NgsiFixture> {
  const t = await createTestApp(env);
  const ca1 = await t.login('ca1');
  const tokenRes = await ca1.post('/api/v1/auth/tokens', { name: 'ngsi-ld client' });
  expect(tokenRes.statusCode, tokenRes.body).toBe(201);
  const token = tokenRes.json<{ token: string }>().token;
  const devices = new Map<string, { id: string; token: string }>();
  const T0 = Date.now() - 3_600_000;
  for (const [code, profile, lng, lat] of [
    ['AQ-0001', 'air-quality', 113.82, 22.55],
    ['AQ-0002', 'air-quality', 113.86, 22.55],
    ['PS-1', 'parking-spot', 113.81, 22.52],
    ['WL-1', 'water-level', 113.84, 22.51],
  ] as const) {
    const res = await ca1.post('/api/v1/devices', {
      code,
      name: `${code} station`,
      profile,
      location: { type: 'Point', coordinates: [lng, lat] },
    });
    expect(res.statusCode, res.body).toBe(201);
    devices.set(code, res.json<{ id: string; token: string }>());
  }
  const feed = async (code: string, values: Record<string, unknown>) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/ingest/${devices.get(code)!.token}/telemetry`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ ts: T0, values }),
    });
    expect(res.json<{ rejected: unknown[] }>().rejected, res.body).toEqual([]);
  };
  await feed('AQ-0001', { pm25: 45, pm10: 60 });
  await feed('AQ-0002', { pm25: 10, pm10: 20 });
  await feed('PS-1', { status: 'free' });
  await feed('WL-1', { waterLevel: 1.2 });
  const ngsi = (url: string, opts: NgsiRequest = {}) =>
    t.app.inject({
      method: opts.method ?? 'GET',
      url: `/ngsi-ld/v1${url}`,
      headers: {
        authorization: `Bearer ${token}`,
        ...(opts.accept ? { accept: opts.accept } : {}),
        ...(opts.body !== undefined ? { 'content-type': opts.type ?? 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { payload: JSON.stringify(opts.body) } : {}),
    });
  return { t, ca1, token, devices, ngsi };
}

/** Raw readings of one device, to show a refused write stored nothing. */
export async function storedReadings(t: TestApp, deviceId: string): Promise<number> {
  const rows = await t.services.database.db
    .selectFrom('telemetry')
    .select('metric')
    .where('device_id', '=', deviceId)
    .execute();
  return rows.length;
}
