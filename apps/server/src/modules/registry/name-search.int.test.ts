import { beforeAll, describe, expect, it } from 'vitest';
import { auditRowsOf } from '../../test-support/audit-queries.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { nameIndex } from './resident-sealing.js';

// ADR 0045: search by name over sealed names, through a keyed blind index of whole name forms.
let t: TestApp;
let gw1: Client;
let gw2: Client;
let street1: Client;
let ca2: Client;
const LIMIT = 40;
const ids: Record<string, string> = {};

const db = () => t.services.database.db;
const auditRows = (action: string, actor: string) => auditRowsOf(db(), action, actor);
const search = (c: Client, name: string, unitId?: string) =>
  c.post('/api/v1/residents/name-search', { name, ...(unitId ? { unitId } : {}) });
const found = async (c: Client, name: string) => {
  const res = await search(c, name);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ items: { id: string; name: string }[] }>().items.map((i) => i.id);
};

async function add(c: Client, name: string, grid: string): Promise<string> {
  const res = await c.post('/api/v1/residents', { name, gridId: t.units.get(grid)!.id });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

beforeAll(async () => {
  t = await createTestApp({ NAME_SEARCH_LIMIT: String(LIMIT), NAME_SEARCH_WINDOW_MINUTES: '10' });
  [gw1, gw2, street1, ca2] = await Promise.all([
    t.login('gw1'),
    t.login('gw2'),
    t.login('street1'),
    t.login('ca2'),
  ]);
  ids.zhang = await add(gw1, '张三', 'G1');
  ids.ouyang = await add(gw1, '欧阳娜娜', 'G1');
  ids.smith = await add(gw1, 'John Smith', 'G1');
  // Same name in another unit: gw1 must never find this one.
  ids.zhangG3 = await add(ca2, '张三', 'G3');
});

describe('search by name', () => {
  it('finds by full name, surname and given name in either order, pinyin and initials', async () => {
    for (const q of ['张三', '张 三', 'zhangsan', 'Zhang San', 'ZHANG-SAN', 'san zhang', 'zs', 'ZS'])
      expect(await found(gw1, q), q).toEqual([ids.zhang]);
    expect(await found(gw1, 'ouyang nana')).toEqual([ids.ouyang]);
    expect(await found(gw1, 'oynn')).toEqual([ids.ouyang]);
    expect(await found(gw1, 'smith john')).toEqual([ids.smith]);
    expect(await found(gw1, 'John Smith')).toEqual([ids.smith]);
  });

  it('matches whole forms only: no part of a name, no homophone', async () => {
    for (const q of ['张', '三', 'zhang', 'san', 'john', 'smith', '章三', 'nana'])
      expect(await found(gw1, q), q).toEqual([]);
  });

  it('answers masked records, never the plain name', async () => {
    const res = await search(gw1, '张三');
    expect(res.json().items[0].name).toBe('张*');
    expect(res.body).not.toContain('张三');
  });

  it("never finds another unit's resident; a unit out of scope is 404", async () => {
    expect(await found(gw2, '张三')).toEqual([]);
    expect(await found(ca2, '张三')).toEqual([ids.zhangG3]);
    expect((await found(street1, '张三')).sort()).toEqual([ids.zhang, ids.zhangG3].sort());
    const foreign = await search(gw1, '张三', t.units.get('G3')!.id);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body).not.toContain(ids.zhangG3);
    const own = await search(street1, '张三', t.units.get('C2')!.id);
    expect(own.json().items.map((i: { id: string }) => i.id)).toEqual([ids.zhangG3]);
  });

  it('is audited, hits and misses, without the name searched', async () => {
    const before = (await auditRows('resident.search', 'gw2')).length;
    await found(gw2, '张三');
    await found(gw2, 'zhangsan');
    const rows = (await auditRows('resident.search', 'gw2')).slice(before);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.detail).toMatchObject({ via: 'name', matched: 0, ids: [] });
    const hit = await auditRows('resident.search', 'gw1');
    const one = hit.find((r) => (r.detail as { matched: number }).matched === 1)!;
    expect(one.target_id).toBe(ids.zhang);
    expect(JSON.stringify(hit)).not.toMatch(/张三|zhangsan|zs"/i);
  });

  it('finds a renamed resident by the new name only', async () => {
    const id = await add(gw1, '李四', 'G1');
    const current = await gw1.get(`/api/v1/residents/${id}`);
    const res = await gw1.patch(`/api/v1/residents/${id}`, { name: '王五', version: current.json().version });
    expect(res.statusCode, res.body).toBe(200);
    expect(await found(gw1, 'wangwu')).toEqual([id]);
    expect(await found(gw1, 'lisi')).toEqual([]);
  });

  it('is limited per user: past the limit 429, not run, one alert', async () => {
    const used = (await auditRows('resident.search', 'gw1')).length;
    for (let i = used; i < LIMIT; i++) expect((await search(gw1, `nobody${i}`)).statusCode).toBe(200);
    const before = (await auditRows('resident.search', 'gw1')).length;
    const refused = await search(gw1, '张三');
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ code: 'name_search_limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).not.toContain(ids.zhang);
    expect((await search(gw1, 'zs')).statusCode).toBe(429);
    expect(await auditRows('resident.search', 'gw1')).toHaveLength(before);
    const alerts = await auditRows('security.alert', 'gw1');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.detail).toMatchObject({ kind: 'name_search_limit', limit: LIMIT, windowMinutes: 10 });
    // Another user's budget is their own.
    expect((await search(gw2, '张三')).statusCode).toBe(200);
  });
});

describe('the name index backfill', () => {
  it('indexes rows written before the index existed, resumably', async () => {
    await db().updateTable('residents').set({ name_index: null }).execute();
    expect(await t.services.nameIndexBackfill.run()).toBeGreaterThanOrEqual(4);
    const row = await db()
      .selectFrom('residents')
      .select(['name_index'])
      .where('id', '=', ids.zhang!)
      .executeTakeFirstOrThrow();
    expect(row.name_index).toEqual(nameIndex(t.cipher, '张三'));
    expect(await t.services.nameIndexBackfill.run()).toBe(0);
    expect(await found(gw2, '张三')).toEqual([]);
    expect(await found(street1, 'zs')).toHaveLength(2);
  });
});

describe('resident list filters', () => {
  it('filters by household and refuses a building or household outside the area (404)', async () => {
    const b = await gw1.post('/api/v1/buildings', {
      code: 'NS-B1',
      name: 'Name search building',
      address: '1 Test Road',
      location: { type: 'Point', coordinates: [113.82, 22.55] },
    });
    expect(b.statusCode, b.body).toBe(201);
    const buildingId = b.json().id;
    const r = await gw1.post('/api/v1/residents', { name: '赵六', buildingId, unitNo: '1-101' });
    expect(r.statusCode, r.body).toBe(201);
    await gw1.post('/api/v1/residents', { name: '钱七', buildingId, unitNo: '1-102' });
    const households = (await gw1.get(`/api/v1/buildings/${buildingId}/households`)).json().items;
    const h101 = households.find((h: { unitNo: string }) => h.unitNo === '1-101').id;
    const list = await gw1.get(`/api/v1/residents?householdId=${h101}`);
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([r.json().id]);
    expect((await gw1.get(`/api/v1/residents?buildingId=${buildingId}`)).json().total).toBe(2);
    expect((await gw2.get(`/api/v1/residents?householdId=${h101}`)).statusCode).toBe(404);
    expect((await ca2.get(`/api/v1/residents?buildingId=${buildingId}`)).statusCode).toBe(404);
  });
});
