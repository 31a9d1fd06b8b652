import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureUnits } from '../../test-support/fixtures.js';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const gw1 = await t.login('gw1');
  const building = await gw1.post('/api/v1/buildings', {
    code: 'B-MAP',
    name: '地图楼',
    address: 'Map Rd 1',
    location: { type: 'Point', coordinates: [113.82, 22.55] },
  });
  expect(building.statusCode, building.body).toBe(201);
});

describe('the base map without a tile server', () => {
  it('gives a resident every live unit outline with its names and the buildings as points', async () => {
    const resident = await t.login('resident');
    const res = await resident.get('/api/v1/map/base');
    expect(res.statusCode).toBe(200);
    const base = res.json<{
      units: Record<string, unknown>[];
      buildings: { name: string; lat: number; lng: number }[];
      buildingsTruncated: boolean;
    }>();
    expect(base.units).toHaveLength(fixtureUnits.length);
    expect(base.units[0]).toMatchObject({ depth: 0, boundary: { type: 'Polygon' } });
    // Places, not the tree's codes or anything about people.
    expect(Object.keys(base.units[0]!).sort()).toEqual(['boundary', 'depth', 'id', 'name', 'type']);
    expect(base.buildings).toContainEqual({ name: '地图楼', lat: 22.55, lng: 113.82 });
    expect(Object.keys(base.buildings[0]!).sort()).toEqual(['lat', 'lng', 'name']);
    expect(base.buildingsTruncated).toBe(false);
  });

  it('is not public', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/map/base' })).statusCode).toBe(401);
  });
});
