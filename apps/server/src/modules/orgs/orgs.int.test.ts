import { boundaryInvalid, geometryRefusal } from '@civitas/contracts/orgs';
import { beforeAll, describe, expect, it } from 'vitest';
import { box } from '../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

let t: TestApp;
let admin: Client;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.login('admin');
});

describe('org units', () => {
  it('answer which units contain a point, district first, rural branch included', async () => {
    const gw = await t.login('gwv');
    const urban = (await gw.get('/api/v1/org-units/containing?lat=22.55&lng=113.82')).json();
    expect(urban.items.map((u: { code: string }) => u.code)).toEqual(['D', 'S1', 'C1', 'G1']);
    const rural = (await gw.get('/api/v1/org-units/containing?lat=22.6&lng=113.95')).json();
    expect(rural.items.map((u: { code: string }) => u.code)).toEqual(['D', 'T1', 'V1', 'GV']);
    const outside = (await gw.get('/api/v1/org-units/containing?lat=30&lng=120')).json();
    expect(outside.items).toEqual([]);
    expect((await gw.get('/api/v1/org-units/containing?lat=95&lng=0')).statusCode).toBe(400);
  });

  it('are created under a parent of a compatible type only', async () => {
    const c1 = t.units.get('C1')!;
    // Point lookups are cached per H3 cell; a unit created through this process shows at once.
    const codesAt = async () =>
      (await admin.get('/api/v1/org-units/containing?lat=22.505&lng=113.805'))
        .json()
        .items.map((u: { code: string }) => u.code);
    expect(await codesAt()).toEqual(['D', 'S1', 'C1', 'G1']);
    // G1 and G2 tile C1; shrinking G1 leaves a strip on the west for G9.
    const g1 = (await admin.get(`/api/v1/org-units/${t.units.get('G1')!.id}`)).json();
    const shrunk = await admin.patch(`/api/v1/org-units/${g1.id}`, {
      version: g1.version,
      boundary: box(113.81, 22.5, 113.85, 22.6),
    });
    expect(shrunk.statusCode).toBe(200);
    expect(await codesAt()).toEqual(['D', 'S1', 'C1']);
    const ok = await admin.post('/api/v1/org-units', {
      code: 'G9',
      type: 'grid',
      name: { 'zh-CN': '第九网格', en: 'Grid 9' },
      parentId: c1.id,
      boundary: box(113.8, 22.5, 113.81, 22.51),
    });
    expect(ok.statusCode).toBe(201);
    expect(await codesAt()).toContain('G9');
    const bad = await admin.post('/api/v1/org-units', {
      code: 'X1',
      type: 'street',
      name: { 'zh-CN': '街', en: 'St' },
      parentId: c1.id,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/community may hold grid/);
    const dup = await admin.post('/api/v1/org-units', {
      code: 'G9',
      type: 'grid',
      name: { 'zh-CN': 'x', en: 'x' },
      parentId: c1.id,
    });
    expect(dup.statusCode).toBe(409);
  });

  it('move with their whole subtree, and not under themselves', async () => {
    const c1 = t.units.get('C1')!;
    const s1 = t.units.get('S1')!;
    const g1 = t.units.get('G1')!;
    const c2 = t.units.get('C2')!;
    // C1 lies in S1, not in T1 (ADR 0037); a township without a boundary takes it, checked
    // against the district above.
    const outside = await admin.post(`/api/v1/org-units/${c1.id}/move`, {
      newParentId: t.units.get('T1')!.id,
      version: c1.version,
    });
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({
      code: 'boundary_outside_parent',
      unitCode: 'C1',
      otherCode: 'T1',
      percent: 100,
    });
    const t9 = await admin.post('/api/v1/org-units', {
      code: 'T9',
      type: 'township',
      name: { 'zh-CN': '第九镇', en: 'Township 9' },
      parentId: t.units.get('D')!.id,
    });
    expect(t9.statusCode).toBe(201);
    const moved = await admin.post(`/api/v1/org-units/${c1.id}/move`, {
      newParentId: t9.json().id,
      version: c1.version,
    });
    expect(moved.statusCode).toBe(200);
    const subtree = (await admin.get(`/api/v1/org-units/${t9.json().id}/subtree`)).json();
    expect(subtree.items.map((u: { code: string }) => u.code)).toEqual(
      expect.arrayContaining(['C1', 'G1', 'G2']),
    );
    const g1now = (await admin.get(`/api/v1/org-units/${g1.id}`)).json();
    expect(g1now.depth).toBe(3);
    // a community admin of C1 keeps their grids after the move: grants follow the unit
    const ca1 = await t.login('ca1');
    expect((await ca1.get(`/api/v1/org-units/${g1.id}`)).statusCode).toBe(200);
    const loop = await admin.post(`/api/v1/org-units/${s1.id}/move`, {
      newParentId: c2.id,
      version: s1.version,
    });
    expect(loop.statusCode).toBe(400);
  });

  it('refuse a stale update with 409 and the current state', async () => {
    const g3 = t.units.get('G3')!;
    const first = await admin.patch(`/api/v1/org-units/${g3.id}`, {
      version: g3.version,
      name: { 'zh-CN': '三', en: 'Three' },
    });
    expect(first.statusCode).toBe(200);
    const second = await admin.patch(`/api/v1/org-units/${g3.id}`, {
      version: g3.version,
      name: { 'zh-CN': '叁', en: 'III' },
    });
    expect(second.statusCode).toBe(409);
    expect(second.json().current.name.en).toBe('Three');
  });

  it('reject an invalid boundary with the failing field named', async () => {
    const res = await admin.post('/api/v1/org-units', {
      code: 'G10',
      type: 'grid',
      name: { 'zh-CN': 'x', en: 'x' },
      parentId: t.units.get('C2')!.id,
      boundary: { type: 'Polygon', coordinates: [[[200, 0]]] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toMatch(/^body\.boundary/);
  });
});

describe('org unit boundaries (ADR 0037)', () => {
  const grid = (code: string, boundary: unknown, parent = 'C2') =>
    admin.post('/api/v1/org-units', {
      code,
      type: 'grid',
      name: { 'zh-CN': `网格${code}`, en: `Grid ${code}` },
      parentId: t.units.get(parent)!.id,
      boundary,
    });
  const current = async (code: string) =>
    (await admin.get(`/api/v1/org-units/${t.units.get(code)!.id}`)).json();
  const stored = (code: string) => t.services.orgs.findByCode(code);

  beforeAll(async () => {
    // G3 fills C2; shrunk to the west half, it leaves the east half (113.85–113.9) free.
    const g3 = await current('G3');
    const res = await admin.patch(`/api/v1/org-units/${g3.id}`, {
      version: g3.version,
      boundary: box(113.8, 22.6, 113.85, 22.7),
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuse a grid 1,000 km away from its community, and store nothing', async () => {
    const res = await grid('FAR', box(123.86, 22.61, 123.87, 22.62));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'boundary_outside_parent',
      unitCode: 'FAR',
      unitType: 'grid',
      otherCode: 'C2',
      otherType: 'community',
      percent: 100,
      count: 1,
    });
    expect(res.json().detail).toMatch(/100\.0 % \(1\.1 km²\) of grid FAR lies outside community C2/);
    expect(geometryRefusal.safeParse(res.json()).success).toBe(true);
    expect(await stored('FAR')).toBeUndefined();
  });

  it('refuse a grid 30 % outside with the figure, accept one 0.5 % outside', async () => {
    const spill = await grid('SPILL', box(113.893, 22.61, 113.903, 22.62));
    expect(spill.statusCode).toBe(400);
    expect(spill.json().percent).toBeCloseTo(30, 1);
    expect(spill.json().areaKm2).toBeCloseTo(0.34, 2);
    expect(spill.json().detail).toMatch(/30\.0 % \(0\.34 km²\) of grid SPILL lies outside community C2/);
    expect(await stored('SPILL')).toBeUndefined();
    // 0.005 % of a degree of longitude over the edge: a digitising slip, within 1 %.
    const slip = await grid('SLIP', box(113.89005, 22.63, 113.90005, 22.64));
    expect(slip.statusCode).toBe(201);
  });

  it('refuse a grid overlapping a sibling, naming both and the overlap', async () => {
    const res = await grid('OVER', box(113.885, 22.63, 113.895, 22.64));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'boundary_overlaps_sibling',
      unitCode: 'OVER',
      otherCode: 'SLIP',
    });
    expect(res.json().percent).toBeCloseTo(49.5, 0);
    expect(res.json().detail).toMatch(/grid OVER overlaps sibling grid SLIP by 0\.\d+ km²/);
    expect(await stored('OVER')).toBeUndefined();
    // Sharing an edge is no overlap.
    expect((await grid('EDGE', box(113.88, 22.63, 113.89005, 22.64))).statusCode).toBe(201);
  });

  it('refuse moving a grid under a community it does not fit in', async () => {
    const gv = await current('GV');
    const res = await admin.post(`/api/v1/org-units/${gv.id}/move`, {
      newParentId: t.units.get('C2')!.id,
      version: gv.version,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'boundary_outside_parent', unitCode: 'GV', otherCode: 'C2' });
    const after = await current('GV');
    expect(after.parentId).toBe(t.units.get('V1')!.id);
    expect(after.version).toBe(gv.version);
  });

  it('refuse shrinking a community so that its grids fall out, and keep its boundary', async () => {
    const c2 = await current('C2');
    const res = await admin.patch(`/api/v1/org-units/${c2.id}`, {
      version: c2.version,
      boundary: box(113.8, 22.6, 113.885, 22.7),
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({
      code: 'boundary_outside_parent',
      unitCode: 'SLIP',
      otherCode: 'C2',
      count: 2,
    });
    expect(body.percent).toBe(100);
    expect(body.conflicts.map((c: { unitCode: string }) => c.unitCode)).toEqual(['SLIP', 'EDGE']);
    expect(body.conflicts[1].percent).toBeCloseTo(50.25, 1);
    expect(geometryRefusal.safeParse(body).success).toBe(true);
    const after = await current('C2');
    expect(after.version).toBe(c2.version);
    expect(after.boundary).toEqual(c2.boundary);
    // The point in SLIP is still found in C2: its cells were not replaced either.
    const codes = (await admin.get('/api/v1/org-units/containing?lat=22.635&lng=113.895'))
      .json()
      .items.map((u: { code: string }) => u.code);
    expect(codes).toEqual(['D', 'S1', 'C2', 'SLIP']);
  });

  it('refuse a boundary that crosses itself, saying where', async () => {
    const res = await grid('BOW', {
      type: 'Polygon',
      coordinates: [
        [
          [113.86, 22.65],
          [113.87, 22.66],
          [113.87, 22.65],
          [113.86, 22.66],
          [113.86, 22.65],
        ],
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'boundary_invalid', reason: 'self_intersection', ring: 1 });
    expect(res.json().position[0]).toBeCloseTo(113.865, 6);
    expect(boundaryInvalid.safeParse(res.json()).success).toBe(true);
    expect(await stored('BOW')).toBeUndefined();
  });
});
