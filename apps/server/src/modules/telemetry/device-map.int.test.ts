import { beforeAll, describe, expect, it } from 'vitest';
import type { DeviceMapResponse } from '@civitas/contracts/devices';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { resolutionForZoom } from './device-map.service.js';

let t: TestApp;
let ca1: Client;
let gw1: Client;
let gw2: Client;
const tokens = new Map<string, string>();
const ids = new Map<string, string>();

// The fixture's C1 spans G1 (113.80–113.85) and G2 (113.85–113.90), latitudes 22.5–22.6.
const C1_BOX = '113.8,22.5,113.9,22.6';

async function register(code: string, profile: string, lng: number, lat: number) {
  const res = await ca1.post('/api/v1/devices', {
    code,
    name: code,
    profile,
    location: { type: 'Point', coordinates: [lng, lat] },
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json<{ id: string; token: string }>();
  tokens.set(code, body.token);
  ids.set(code, body.id);
}

const ingest = (code: string, values: Record<string, number>) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/ingest/${tokens.get(code)}/telemetry`,
    headers: { 'content-type': 'application/json' },
    payload: values,
  });

const map = async (client: Client, query: string) => {
  const res = await client.get(`/api/v1/devices/map?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<DeviceMapResponse>();
};

beforeAll(async () => {
  t = await createTestApp();
  [ca1, gw1, gw2] = await Promise.all([t.login('ca1'), t.login('gw1'), t.login('gw2')]);
  // Ten air stations packed into one block of G1, five noise monitors spread over G2.
  for (let i = 0; i < 10; i++) await register(`AQ-${i}`, 'air-quality', 113.82 + i * 0.0001, 22.55);
  for (let i = 0; i < 5; i++) await register(`NZ-${i}`, 'noise', 113.86 + i * 0.008, 22.52 + i * 0.015);
  // PM2.5 80 µg/m³ → IAQI 107 (HJ 633-2012: 75→100, 115→150); PM2.5 20 → 29.
  expect((await ingest('AQ-0', { pm25: 80, pm10: 40 })).statusCode).toBe(200);
  expect((await ingest('AQ-1', { pm25: 20 })).statusCode).toBe(200);
  expect((await ingest('NZ-0', { LAeq: 62.5 })).statusCode).toBe(200);
});

describe('device map', () => {
  it('zoomed out, sums devices into H3 cells with counts, online counts and the worst AQI', async () => {
    const body = await map(ca1, `bbox=${C1_BOX}&zoom=12`);
    expect(body.mode).toBe('cells');
    expect(body.resolution).toBe(resolutionForZoom(12));
    expect(body.total).toBe(15);
    expect(body.devices).toEqual([]);
    expect(body.cells.reduce((n, c) => n + c.count, 0)).toBe(15);
    const air = body.cells.find((c) => c.worstAqi !== null);
    expect(air).toMatchObject({ worstAqi: 107, online: 2, profileCode: 'air-quality', metric: 'aqi' });
    expect(air?.count).toBe(10);
    expect(air?.maxValue).toBe(107);
    expect(air?.meanValue).toBe((107 + 29) / 2);
    expect(air?.boundary.length).toBeGreaterThanOrEqual(6);
  });

  it('zoomed in, lists single devices with their primary value', async () => {
    const body = await map(ca1, `bbox=${C1_BOX}&zoom=17`);
    expect(body.mode).toBe('devices');
    expect(body.cells).toEqual([]);
    expect(body.devices).toHaveLength(15);
    const aq0 = body.devices.find((d) => d.code === 'AQ-0');
    expect(aq0).toMatchObject({
      metric: 'aqi',
      value: 107,
      connectivity: 'active',
      profileCode: 'air-quality',
    });
    expect(aq0?.ts).not.toBeNull();
    expect(body.devices.find((d) => d.code === 'NZ-0')).toMatchObject({ metric: 'LAeq', value: 62.5 });
    expect(body.devices.find((d) => d.code === 'AQ-5')).toMatchObject({ value: null, connectivity: 'never' });
  });

  it('keeps to the box and the profile filter', async () => {
    const west = await map(ca1, `bbox=113.8,22.5,113.85,22.6&zoom=17`);
    expect(new Set(west.devices.map((d) => d.profileCode))).toEqual(new Set(['air-quality']));
    const noise = await map(ca1, `bbox=${C1_BOX}&zoom=17&profile=noise`);
    expect(noise.devices.map((d) => d.code).sort()).toEqual(['NZ-0', 'NZ-1', 'NZ-2', 'NZ-3', 'NZ-4']);
  });

  it("shows a grid worker only their own grid's devices", async () => {
    const g1 = await map(gw1, `bbox=${C1_BOX}&zoom=17`);
    expect(g1.devices.map((d) => d.code).every((c) => c.startsWith('AQ-'))).toBe(true);
    expect(g1.total).toBe(10);
    const g2 = await map(gw2, `bbox=${C1_BOX}&zoom=10`);
    expect(g2.total).toBe(5);
    expect(g2.cells.every((c) => c.worstAqi === null && c.profileCode === 'noise')).toBe(true);
    // Asking for the other grid's subtree by id is refused like any out-of-scope unit.
    const other = await gw1.get(`/api/v1/devices/map?bbox=${C1_BOX}&zoom=17&unitId=${t.units.get('G2')!.id}`);
    expect([403, 404]).toContain(other.statusCode);
  });

  it('narrows to a unit subtree, and refuses a malformed box or a caller without device.read', async () => {
    const g2 = await map(ca1, `bbox=${C1_BOX}&zoom=17&unitId=${t.units.get('G2')!.id}`);
    expect(g2.devices.map((d) => d.profileCode)).toEqual(Array(5).fill('noise'));
    expect((await ca1.get('/api/v1/devices/map?bbox=113.9,22.5,113.8,22.6&zoom=10')).statusCode).toBe(400);
    expect((await ca1.get('/api/v1/devices/map?bbox=a,b,c,d&zoom=10')).statusCode).toBe(400);
    const auditor = await t.login('auditor');
    expect((await auditor.get(`/api/v1/devices/map?bbox=${C1_BOX}&zoom=10`)).statusCode).toBe(403);
  });

  it('aggregates many devices into a bounded number of cells', async () => {
    // 120 waste bins on a 12 × 10 lattice over G1 and G2 (about 9 km × 10 km).
    for (let i = 0; i < 120; i++) {
      await register(
        `BULK-${i}`,
        'waste-bin',
        113.805 + (i % 12) * 0.0075,
        22.505 + Math.floor(i / 12) * 0.009,
      );
    }
    const far = await map(ca1, `bbox=${C1_BOX}&zoom=8`);
    expect(far.total).toBe(135);
    expect(far.cells.length).toBeLessThan(10);
    const near = await map(ca1, `bbox=${C1_BOX}&zoom=13`);
    expect(near.cells.length).toBeGreaterThan(far.cells.length);
    expect(near.cells.reduce((n, c) => n + c.count, 0)).toBe(135);
  }, 90_000);
});
