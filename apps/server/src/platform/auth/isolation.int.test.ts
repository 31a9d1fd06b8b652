import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

/**
 * Object-level authorization, resource by resource: a grid worker of grid G1 reaches nothing of
 * grid G2, and the admin of community C1 nothing of community C2, whatever URL they type.
 */
let t: TestApp;
let gw1: Client;
let gw2: Client;
let ca1: Client;
let ca2: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  [gw1, gw2, ca1, ca2] = (await Promise.all(['gw1', 'gw2', 'ca1', 'ca2'].map((u) => t.login(u)))) as [
    Client,
    Client,
    Client,
    Client,
  ];
  const unit = (c: string) => t.units.get(c)!.id;
  ids.residentG2 = (
    await gw2.post('/api/v1/residents', { name: '陈二', phone: '13611112222', gridId: unit('G2') })
  ).json().id;
  ids.residentC2 = (
    await ca2.post('/api/v1/residents', { name: '林三', phone: '13611113333', gridId: unit('G3') })
  ).json().id;
  ids.buildingG2 = (
    await gw2.post('/api/v1/buildings', {
      code: 'B-G2',
      name: '二号楼',
      address: '某路2号',
      location: { type: 'Point', coordinates: [113.87, 22.55] },
    })
  ).json().id;
  ids.buildingC2 = (
    await ca2.post('/api/v1/buildings', {
      code: 'B-C2',
      name: '三号楼',
      address: '某路3号',
      location: { type: 'Point', coordinates: [113.85, 22.65] },
    })
  ).json().id;
  for (const v of Object.values(ids)) expect(v).toMatch(/^[0-9a-f-]{36}$/);
});

describe('residents', () => {
  it('of another grid cannot be read, listed, revealed or changed by a grid worker', async () => {
    expect((await gw1.get(`/api/v1/residents/${ids.residentG2}`)).statusCode).toBe(404);
    expect(
      (await gw1.post(`/api/v1/residents/${ids.residentG2}/reveal`, { field: 'phone', reason: 'curious' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await gw1.patch(`/api/v1/residents/${ids.residentG2}`, { version: 1, gender: 'male' })).statusCode,
    ).toBe(404);
    const list = (await gw1.get('/api/v1/residents?limit=200')).json();
    expect(list.items.map((r: { id: string }) => r.id)).not.toContain(ids.residentG2);
    expect((await gw1.get(`/api/v1/residents?unitId=${t.units.get('G2')!.id}`)).statusCode).toBe(404);
    const byPhone = { field: 'phone', value: '13611112222', reason: 'scope check' };
    expect((await gw1.post('/api/v1/residents/search', byPhone)).json().items).toEqual([]);
    // and cannot be created there either
    expect(
      (await gw1.post('/api/v1/residents', { name: '某', gridId: t.units.get('G2')!.id })).statusCode,
    ).toBe(403);
  });

  it('of another community are out of reach for a community admin', async () => {
    expect((await ca1.get(`/api/v1/residents/${ids.residentC2}`)).statusCode).toBe(404);
    expect(
      (await ca1.post(`/api/v1/residents/${ids.residentC2}/reveal`, { field: 'name', reason: 'check' }))
        .statusCode,
    ).toBe(404);
    expect((await ca1.get(`/api/v1/residents?unitId=${t.units.get('C2')!.id}`)).statusCode).toBe(404);
    // while their own community's grids are in reach
    expect((await ca1.get(`/api/v1/residents/${ids.residentG2}`)).statusCode).toBe(200);
  });
});

describe('buildings', () => {
  it('of another grid or community are hidden', async () => {
    expect((await gw1.get(`/api/v1/buildings/${ids.buildingG2}`)).statusCode).toBe(404);
    expect((await ca1.get(`/api/v1/buildings/${ids.buildingC2}`)).statusCode).toBe(404);
    const codes = (await gw1.get('/api/v1/buildings')).json().items.map((b: { code: string }) => b.code);
    expect(codes).not.toContain('B-G2');
    expect((await ca2.get(`/api/v1/buildings/${ids.buildingC2}`)).statusCode).toBe(200);
  });

  it('households of another grid are hidden, own ones listed with member counts', async () => {
    expect((await gw1.get(`/api/v1/buildings/${ids.buildingG2}/households`)).statusCode).toBe(404);
    const r = await gw2.post('/api/v1/residents', {
      name: '何九',
      buildingId: ids.buildingG2,
      unitNo: '1-101',
    });
    expect(r.statusCode).toBe(201);
    const hh = (await gw2.get(`/api/v1/buildings/${ids.buildingG2}/households`)).json();
    expect(hh.items).toEqual([expect.objectContaining({ unitNo: '1-101', memberCount: 1 })]);
  });

  it('cannot be placed in another grid', async () => {
    const res = await gw1.post('/api/v1/buildings', {
      code: 'B-X',
      name: 'x',
      address: 'x',
      location: { type: 'Point', coordinates: [113.87, 22.55] },
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('org units', () => {
  it('outside the caller subtree are hidden from reads and lists', async () => {
    expect((await gw1.get(`/api/v1/org-units/${t.units.get('G2')!.id}`)).statusCode).toBe(404);
    expect((await ca1.get(`/api/v1/org-units/${t.units.get('C2')!.id}/subtree`)).statusCode).toBe(404);
    const codes = (await ca1.get('/api/v1/org-units')).json().items.map((u: { code: string }) => u.code);
    expect(codes.sort()).toEqual(['C1', 'G1', 'G2']);
    expect((await gw1.get('/api/v1/org-units')).json().items.map((u: { code: string }) => u.code)).toEqual([
      'G1',
    ]);
  });

  it('cannot be changed by staff without org.write', async () => {
    const g2 = t.units.get('G2')!;
    expect(
      (
        await ca1.patch(`/api/v1/org-units/${g2.id}`, {
          version: g2.version,
          name: { 'zh-CN': 'x', en: 'x' },
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe('users, audit and import jobs', () => {
  it('users of another community are not listed and cannot be disabled', async () => {
    const names = (await ca1.get('/api/v1/users?limit=200'))
      .json()
      .items.map((u: { username: string }) => u.username);
    expect(names).toContain('gw1');
    expect(names).not.toContain('ca2');
    const ca2User = await t.services.users.findByUsername('ca2');
    expect((await ca1.post(`/api/v1/users/${ca2User!.id}/disable`)).statusCode).toBe(403);
  });

  it('the audit log is closed to operational staff', async () => {
    expect((await ca1.get('/api/v1/audit')).statusCode).toBe(403);
    expect((await gw1.get('/api/v1/audit/verify')).statusCode).toBe(403);
  });

  it("another user's import job is not visible", async () => {
    const jobs = t.services.database.db;
    const caUser = await t.services.users.findByUsername('ca1');
    const job = await jobs
      .insertInto('import_jobs')
      .values({
        kind: 'residents',
        file_name: 'x.csv',
        status: 'done',
        created_by: caUser!.id,
        total_rows: 0,
        finished_at: new Date(),
        errors: '[]',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await ca1.get(`/api/v1/imports/${job.id}`)).statusCode).toBe(200);
    expect((await ca2.get(`/api/v1/imports/${job.id}`)).statusCode).toBe(404);
  });
});

describe('roles without registry rights', () => {
  it('department staff and residents cannot read residents at all', async () => {
    const police = await t.login('police');
    const resident = await t.login('resident');
    expect((await police.get('/api/v1/residents')).statusCode).toBe(403);
    expect((await resident.get('/api/v1/residents')).statusCode).toBe(403);
    expect((await resident.get(`/api/v1/residents/${ids.residentG2}`)).statusCode).toBe(403);
  });
});
