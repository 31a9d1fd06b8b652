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
    expect(await codesAt()).not.toContain('G9');
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
    const moved = await admin.post(`/api/v1/org-units/${c1.id}/move`, {
      newParentId: t.units.get('T1')!.id,
      version: c1.version,
    });
    expect(moved.statusCode).toBe(200);
    const subtree = (await admin.get(`/api/v1/org-units/${t.units.get('T1')!.id}/subtree`)).json();
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
