import { beforeAll, describe, expect, it } from 'vitest';
import { act, at, report } from '../../test-support/case-fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

/**
 * Object-level authorization for cases: a grid worker of G1 reaches nothing of G2, the admin of
 * community C1 nothing of C2, a resident only their own reports, department staff only cases
 * routed to their department, whatever URL they type.
 */
let t: TestApp;
let gw1: Client;
let gw2: Client;
let ca1: Client;
let ca2: Client;
let resident: Client;
let police: Client;
const ids: Record<string, { id: string; version: number }> = {};

beforeAll(async () => {
  t = await createTestApp();
  [gw1, gw2, ca1, ca2, resident, police] = (await Promise.all(
    ['gw1', 'gw2', 'ca1', 'ca2', 'resident', 'police'].map((u) => t.login(u)),
  )) as [Client, Client, Client, Client, Client, Client];
  const patrol = (c: Client, where: [number, number], title: string) =>
    report(c, {
      channel: 'patrol',
      category: 'sanitation',
      title,
      location: { type: 'Point', coordinates: where },
    });
  ids.g1 = (await patrol(gw1, at.G1, 'Litter G1')).json();
  ids.g2 = (await patrol(gw2, at.G2, 'Litter G2')).json();
  ids.c2 = (await patrol(ca2, at.G3, 'Litter C2')).json();
  ids.mine = (await report(resident)).json();
  for (const v of Object.values(ids)) expect(v.id).toMatch(/^[0-9a-f-]{36}$/);
});

describe('a grid worker', () => {
  it('cannot read, list, find nearby or act on a case of another grid', async () => {
    const g2 = ids.g2!;
    expect((await gw1.get(`/api/v1/cases/${g2.id}`)).statusCode).toBe(404);
    expect((await gw1.get(`/api/v1/cases/${g2.id}/timeline`)).statusCode).toBe(404);
    for (const body of [
      { action: 'accept' },
      { action: 'reject', reason: 'x' },
      { action: 'comment', note: 'x' },
      { action: 'escalate', reason: 'x' },
    ]) {
      const r = await act(gw1, g2.id, { ...body, version: g2.version });
      expect(r.statusCode, JSON.stringify(body)).toBe(404);
    }
    const list = (await gw1.get('/api/v1/cases?limit=200')).json();
    expect(list.items.map((i: { id: string }) => i.id)).not.toContain(g2.id);
    const near = (
      await gw1.get(`/api/v1/cases/nearby?category=sanitation&lat=${at.G2[1]}&lng=${at.G2[0]}&radiusM=5000`)
    ).json();
    expect(near.items.map((i: { id: string }) => i.id)).not.toContain(g2.id);
    expect((await gw1.get(`/api/v1/cases?unitId=${t.units.get('G2')!.id}`)).statusCode).toBe(404);
    // Nor report in another grid.
    const there = await report(gw1, { channel: 'patrol', location: { type: 'Point', coordinates: at.G2 } });
    expect(there.statusCode).toBe(403);
    // The untouched case is unchanged.
    expect((await gw2.get(`/api/v1/cases/${g2.id}`)).json()).toMatchObject({
      version: g2.version,
      state: 'submitted',
    });
  });
});

describe('a community admin', () => {
  it('reaches every grid of the own community and nothing of another community', async () => {
    expect((await ca1.get(`/api/v1/cases/${ids.g2!.id}`)).statusCode).toBe(200);
    expect((await ca1.get(`/api/v1/cases/${ids.c2!.id}`)).statusCode).toBe(404);
    expect((await act(ca1, ids.c2!.id, { action: 'accept', version: ids.c2!.version })).statusCode).toBe(404);
    expect((await act(ca1, ids.c2!.id, { action: 'supervise', version: ids.c2!.version })).statusCode).toBe(
      404,
    );
    const list = (await ca1.get('/api/v1/cases?limit=200')).json().items.map((i: { id: string }) => i.id);
    expect(list).toEqual(expect.arrayContaining([ids.g1!.id, ids.g2!.id]));
    expect(list).not.toContain(ids.c2!.id);
  });
});

describe('residents and department staff', () => {
  it('see only their own cases, in the public view', async () => {
    expect((await resident.get(`/api/v1/cases/${ids.g1!.id}`)).statusCode).toBe(404);
    const own = await resident.get(`/api/v1/cases/${ids.mine!.id}`);
    expect(own.json().view).toBe('public');
    const all = (await resident.get('/api/v1/cases')).json();
    expect(all.items.map((i: { id: string }) => i.id)).toEqual([ids.mine!.id]);
    // Staff-only actions are refused with a reason, and nothing changes.
    const r = await act(resident, ids.mine!.id, { action: 'accept', version: ids.mine!.version });
    expect(r.statusCode).toBe(403);
    expect(r.json().detail).toMatch(/not responsible/);
    expect((await resident.get(`/api/v1/cases/${ids.mine!.id}`)).json().version).toBe(ids.mine!.version);
    // Nearby answers residents too, in the minimal public form (case-desk.int.test.ts).
    const near = await resident.get('/api/v1/cases/nearby?category=noise&lat=22.55&lng=113.82');
    expect(near.statusCode).toBe(200);
    expect(near.json().view).toBe('public');
  });

  it('department staff see nothing that is not routed to their department', async () => {
    const list = (await police.get('/api/v1/cases?limit=200')).json();
    expect(list.total).toBe(0);
    expect((await police.get(`/api/v1/cases/${ids.g1!.id}`)).statusCode).toBe(404);
  });
});
