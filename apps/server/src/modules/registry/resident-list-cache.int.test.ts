import { residentMasked } from '@civitas/contracts/registry';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

// The list page cache (ADR 0016): pages served from memory must be what the database would
// answer, carry only masked values, and every read must still leave its own audit row.
let t: TestApp;
let gw1: Client;
let residentId: string;
let version: number;

const listPage = z
  .object({
    items: z.array(residentMasked.strict()),
    total: z.number().int(),
    totalExact: z.boolean(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .strict();

const list = async (query = '') => {
  const res = await gw1.get(`/api/v1/residents${query}`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return listPage.parse(res.json());
};
const itemOf = async (id: string) => (await list()).items.find((i) => i.id === id);
/** Asks for the first page until it is served from memory (a page is kept from its second read). */
const warm = async (query = '') => {
  await list(query);
  await list(query);
  return list(query);
};

beforeAll(async () => {
  t = await createTestApp();
  gw1 = await t.login('gw1');
  const created = await gw1.post('/api/v1/residents', {
    name: '欧阳明月',
    phone: '13512345678',
    gridId: t.units.get('G1')!.id,
  });
  expect(created.statusCode).toBe(201);
  residentId = created.json<{ id: string }>().id;
  version = created.json<{ version: number }>().version;
});

describe('resident list pages kept in memory', () => {
  it('are the masked page in the declared shape, with every request audited', async () => {
    const before = await t.services.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'resident.list')
      .executeTakeFirstOrThrow();
    const first = await list('?limit=20');
    const second = await list('?limit=20');
    const third = await list('?limit=20');
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(first.limit).toBe(20);
    const item = first.items.find((i) => i.id === residentId);
    expect(item?.name).toBe('欧**月');
    expect(item?.phone).toBe('135****5678');
    const rows = await t.services.database.db
      .selectFrom('audit_log')
      .select(['detail', 'actor_name'])
      .where('action', '=', 'resident.list')
      .orderBy('seq')
      .execute();
    expect(rows.length - Number(before.n)).toBe(3);
    for (const r of rows.slice(-3)) {
      expect(r.actor_name).toBe('gw1');
      expect((r.detail as { ids: string[] }).ids).toEqual(first.items.map((i) => i.id));
    }
    expect(await t.services.audit.verify()).toMatchObject({ ok: true });
  });

  it('show an update through the API at once', async () => {
    expect((await warm()).items.find((i) => i.id === residentId)?.name).toBe('欧**月');
    const res = await gw1.patch(`/api/v1/residents/${residentId}`, { version, name: '李雷' });
    expect(res.statusCode).toBe(200);
    version = res.json<{ version: number }>().version;
    const item = await itemOf(residentId);
    expect(item?.name).toBe('李*');
    // A patch of the name alone leaves the other fields as they were.
    expect(item?.phone).toBe('135****5678');
  });

  it('show a change committed behind the service (as by another process) at once', async () => {
    expect((await warm()).items.find((i) => i.id === residentId)?.gender).toBe('unknown');
    await t.services.database.db
      .updateTable('residents')
      .set({ gender: 'female', phone_mask: '135****0000' })
      .where('id', '=', residentId)
      .execute();
    const item = await itemOf(residentId);
    expect(item?.gender).toBe('female');
    expect(item?.phone).toBe('135****0000');
  });

  it('show a new resident, a removed one and a renamed grid at once', async () => {
    const before = await warm();
    const other = (
      await gw1.post('/api/v1/residents', { name: '韩梅梅', gridId: t.units.get('G1')!.id })
    ).json<{ id: string }>().id;
    const after = await warm();
    expect(after.items[0]?.id).toBe(other);
    expect(after.total).toBe(before.total + 1);
    await sql`UPDATE org_units SET code = 'G1-RENAMED' WHERE id = ${t.units.get('G1')!.id}`.execute(
      t.services.database.db,
    );
    expect((await warm()).items.find((i) => i.id === other)?.gridCode).toBe('G1-RENAMED');
    await t.services.database.db.deleteFrom('residents').where('id', '=', other).execute();
    expect((await list()).items.map((i) => i.id)).not.toContain(other);
  });

  it('are kept apart by filter, limit and offset', async () => {
    const all = await list('?limit=2');
    const next = await list('?limit=2&offset=1');
    expect(next.items[0]?.id).toBe(all.items[1]?.id);
    await warm();
    expect((await list('?flag=disability')).items).toEqual([]);
    const building = await gw1.post('/api/v1/buildings', {
      code: 'CACHE-EMPTY',
      name: 'Empty building',
      address: '2 Test Road',
      location: { type: 'Point', coordinates: [113.82, 22.55] },
    });
    expect(building.statusCode, building.body).toBe(201);
    const byBuilding = await list(`?buildingId=${building.json<{ id: string }>().id}`);
    expect(byBuilding.items).toEqual([]);
    // A building nobody can see is not an empty page: it answers 404, as another area's does.
    const unknown = await gw1.get('/api/v1/residents?buildingId=00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect((await list()).items.map((i) => i.id)).toContain(residentId);
  });
});
