import { beforeAll, describe, expect, it } from 'vitest';
import { act, at, report } from '../../../test-support/case-fixtures.js';
import { FIXTURE_PASSWORD } from '../../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import { CaseConfigRepository } from './case-config.repository.js';
import { CaseConfigService } from './case-config.service.js';
import { withCaseTables } from '../cases.tables.js';

let t: TestApp;
let admin: Client;
let commander: Client;
let ca1: Client;
let ca2: Client;
let gw1: Client;
let police: Client;
let resident: Client;

beforeAll(async () => {
  t = await createTestApp();
  [admin, commander, ca1, ca2, gw1, police, resident] = (await Promise.all(
    ['admin', 'commander', 'ca1', 'ca2', 'gw1', 'police', 'resident'].map((u) => t.login(u)),
  )) as [Client, Client, Client, Client, Client, Client, Client];
});

describe('the categories and rules a process has read', () => {
  it('are reused for the cache time, then read again (another process changed them)', async () => {
    const db = withCaseTables(t.services.database.db);
    const otherProcess = (ttlMs: number) =>
      new CaseConfigService(db, new CaseConfigRepository(db), t.services.orgs, t.services.audit, ttlMs);
    const cached = otherProcess(60_000);
    const uncached = otherProcess(0);
    const greenery = await cached.activeCategoryByCode('greenery');
    expect((await uncached.activeCategoryByCode('greenery')).id).toBe(greenery.id);

    const off = await commander.patch(`/api/v1/case-categories/${greenery.id}`, {
      version: greenery.version,
      active: false,
    });
    expect(off.statusCode, off.body).toBe(200);
    try {
      // Within its cache time the other process still takes the category; once read again, not.
      expect((await cached.activeCategoryByCode('greenery')).id).toBe(greenery.id);
      await expect(uncached.activeCategoryByCode('greenery')).rejects.toMatchObject({
        code: 'unknown_category',
      });
    } finally {
      const on = await commander.patch(`/api/v1/case-categories/${greenery.id}`, {
        version: off.json().version,
        active: true,
      });
      expect(on.statusCode, on.body).toBe(200);
    }
  });
});

describe('categories', () => {
  it('come seeded, bilingual, as a tree', async () => {
    const items = (await resident.get('/api/v1/case-categories')).json().items;
    const codes = items.map((c: { code: string }) => c.code);
    for (const code of [
      'sanitation',
      'road_facility',
      'noise',
      'environment',
      'safety_hazard',
      'neighbour_dispute',
      'elderly_assistance',
      'illegal_construction',
      'parking',
      'greenery',
      'water_drainage',
      'other',
    ])
      expect(codes).toContain(code);
    const pothole = items.find((c: { code: string }) => c.code === 'road_facility.pothole');
    const road = items.find((c: { code: string }) => c.code === 'road_facility');
    expect(pothole).toMatchObject({
      parentId: road.id,
      requiresPhoto: true,
      name: { 'zh-CN': '路面坑洼', en: 'Pothole' },
    });
  });

  it('are changed only by a district-level administrator, with attribute definitions enforced at intake', async () => {
    const input = {
      code: 'elderly_assistance.meal',
      parentId: null,
      name: { 'zh-CN': '助餐', en: 'Meal help' },
      department: 'civil_affairs',
      responseHours: 2,
      resolutionHours: 24,
      attributes: [
        {
          code: 'meals',
          datatype: 'singlevaluelist',
          required: true,
          description: { 'zh-CN': '餐次', en: 'Meals' },
          values: [
            { key: 'lunch', name: { 'zh-CN': '午餐', en: 'Lunch' } },
            { key: 'dinner', name: { 'zh-CN': '晚餐', en: 'Dinner' } },
          ],
        },
      ],
    };
    expect((await ca1.post('/api/v1/case-categories', input)).statusCode).toBe(403);
    const created = await admin.post('/api/v1/case-categories', input);
    expect(created.statusCode, created.body).toBe(201);
    expect((await admin.post('/api/v1/case-categories', input)).statusCode).toBe(409);
    const missing = await report(resident, { category: 'elderly_assistance.meal', title: 'Meals please' });
    expect(missing.json()).toMatchObject({
      code: 'attribute_required',
      detail: 'attributes.meals: required for this category',
    });
    const bad = await report(resident, {
      category: 'elderly_assistance.meal',
      title: 'x',
      attributes: { meals: 'breakfast' },
    });
    expect(bad.json().detail).toMatch(/attributes.meals: must be one of lunch, dinner/);
    const ok = await report(resident, {
      category: 'elderly_assistance.meal',
      title: 'x',
      attributes: { meals: 'lunch' },
    });
    expect(ok.statusCode, ok.body).toBe(201);

    const v = created.json().version;
    const patched = await commander.patch(`/api/v1/case-categories/${created.json().id}`, {
      version: v,
      active: false,
    });
    expect(patched.json()).toMatchObject({ active: false, version: v + 1 });
    // Changed through this process: intake refuses the category at once, cache or not.
    const refused = await report(resident, {
      category: 'elderly_assistance.meal',
      title: 'y',
      attributes: { meals: 'lunch' },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('unknown_category');
    expect(
      (await admin.patch(`/api/v1/case-categories/${created.json().id}`, { version: v, sort: 3 })).statusCode,
    ).toBe(409);
    expect((await report(resident, { category: 'elderly_assistance.meal', title: 'x' })).json().code).toBe(
      'unknown_category',
    );
    const cycle = await admin.patch(
      `/api/v1/case-categories/${(await resident.get('/api/v1/case-categories')).json().items.find((c: { code: string }) => c.code === 'road_facility').id}`,
      {
        version: 1,
        parentId: (await resident.get('/api/v1/case-categories'))
          .json()
          .items.find((c: { code: string }) => c.code === 'road_facility.pothole').id,
      },
    );
    expect(cycle.json().code).toBe('category_cycle');
  });
});

describe('routing rules', () => {
  it('send a category in a subtree to a department, most specific rule first', async () => {
    const cats = (await resident.get('/api/v1/case-categories')).json().items as {
      id: string;
      code: string;
    }[];
    const parking = cats.find((c) => c.code === 'parking')!.id;
    const rule = {
      categoryId: parking,
      orgUnitId: t.units.get('C1')!.id,
      targetUnitId: t.units.get('D')!.id,
      targetRole: 'department_staff',
    };
    expect((await ca2.post('/api/v1/routing-rules', rule)).statusCode).toBe(403);
    const created = await commander.post('/api/v1/routing-rules', rule);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ targetDepartment: null, orgUnitCode: 'C1', targetUnitCode: 'D' });

    const c = await report(resident, { category: 'parking', title: 'Car on the pavement' });
    expect(c.json().responsibleUnit.code).toBe('D');
    expect(c.json().responsibleDepartment).toBe('police'); // the category default department
    const seen = await police.get(`/api/v1/cases/${c.json().id}`);
    expect(seen.statusCode).toBe(200);
    expect((await act(police, c.json().id, { action: 'accept', version: c.json().version })).statusCode).toBe(
      200,
    );
    // The grid worker still sees what happens in the grid but no longer holds it.
    expect((await gw1.get(`/api/v1/cases/${c.json().id}`)).statusCode).toBe(200);

    // A deeper rule for G1 wins over the C1 rule; a G3 case stays with the default (no rule for C2).
    const deeper = await commander.post('/api/v1/routing-rules', {
      categoryId: null,
      orgUnitId: t.units.get('G1')!.id,
      targetRole: 'community_admin',
      targetUnitId: t.units.get('C1')!.id,
    });
    expect(deeper.statusCode, deeper.body).toBe(201);
    expect((await report(resident, { category: 'parking', title: 'y' })).json().responsibleUnit.code).toBe(
      'C1',
    );
    const g3 = await report(resident, {
      category: 'parking',
      title: 'z',
      location: { type: 'Point', coordinates: at.G3 },
    });
    expect(g3.json().responsibleUnit.code).toBe('G3');

    const list = (await commander.get('/api/v1/routing-rules')).json().items;
    expect(list).toHaveLength(2);
    const stale = await commander.patch(`/api/v1/routing-rules/${deeper.json().id}`, {
      version: 99,
      priority: 5,
    });
    expect(stale.statusCode).toBe(409);
    const bad = await commander.patch(`/api/v1/routing-rules/${deeper.json().id}`, {
      version: deeper.json().version,
      targetDepartment: 'police',
    });
    expect(bad.json().code).toBe('department_without_department_role');
    expect((await ca1.delete(`/api/v1/routing-rules/${deeper.json().id}`)).statusCode).toBe(403);
    expect((await commander.delete(`/api/v1/routing-rules/${deeper.json().id}`)).statusCode).toBe(204);
    expect((await report(resident, { category: 'parking', title: 'y' })).json().responsibleUnit.code).toBe(
      'D',
    );
    const audit = await t.services.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'routing_rule.%')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'routing_rule.create',
      'routing_rule.create',
      'routing_rule.delete',
    ]);
  });
});

describe('a routing rule’s target', () => {
  it('stays on the area’s line of the tree or inside the author’s units, like a transfer', async () => {
    // The commander of street S1 (case.configure over S1 only).
    await t.services.users.createUnchecked(
      { actor: null, requestId: 'test', ip: '127.0.0.1' },
      {
        username: 'cmd-s1',
        displayName: 'cmd-s1',
        kind: 'staff',
        password: FIXTURE_PASSWORD,
        grants: [{ role: 'district_commander', orgUnitId: t.units.get('S1')!.id, department: null }],
      },
    );
    const cmdS1 = await t.login('cmd-s1');
    const rulesNow = () =>
      t.services.database.db
        .selectFrom('audit_log')
        .select('seq')
        .where('action', 'like', 'routing_rule.%')
        .execute();
    const stored = async () =>
      (await withCaseTables(t.services.database.db).selectFrom('routing_rules').select('id').execute())
        .length;
    const [rulesBefore, auditBefore] = [await stored(), (await rulesNow()).length];
    const rule = (target: string) => ({
      categoryId: null,
      orgUnitId: t.units.get('C1')!.id,
      targetUnitId: t.units.get(target)!.id,
      targetRole: 'community_admin',
    });
    // V1 is another street's (township T1's) village: refused, and nothing is stored.
    const into = await cmdS1.post('/api/v1/routing-rules', rule('V1'));
    expect(into.statusCode, into.body).toBe(403);
    expect(into.json().detail).toMatch(/V1 is neither C1 or above it nor within your units/);
    expect(await stored()).toBe(rulesBefore);
    expect((await rulesNow()).length).toBe(auditBefore);
    const c = await report(resident, { category: 'greenery', title: 'Fallen branch' });
    expect(c.json().responsibleUnit.code).toBe('G1');

    // Inside the author's street, or up the area's own line (like a transfer upwards): allowed.
    const inside = await cmdS1.post('/api/v1/routing-rules', rule('C2'));
    expect(inside.statusCode, inside.body).toBe(201);
    const up = await cmdS1.post('/api/v1/routing-rules', { ...rule('D'), orgUnitId: t.units.get('G2')!.id });
    expect(up.statusCode, up.body).toBe(201);
    // Moving an existing rule's target out of reach is refused too, and the rule stays as it was.
    const moved = await cmdS1.patch(`/api/v1/routing-rules/${inside.json().id}`, {
      version: inside.json().version,
      targetUnitId: t.units.get('GV')!.id,
    });
    expect(moved.statusCode, moved.body).toBe(403);
    const kept = (await cmdS1.get('/api/v1/routing-rules'))
      .json()
      .items.find((r: { id: string }) => r.id === inside.json().id);
    expect(kept).toMatchObject({ targetUnitCode: 'C2', version: inside.json().version });
    for (const r of [inside, up])
      expect((await cmdS1.delete(`/api/v1/routing-rules/${r.json().id}`)).statusCode).toBe(204);
  });
});
