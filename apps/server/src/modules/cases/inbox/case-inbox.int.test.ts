import { beforeAll, describe, expect, it } from 'vitest';
import { actorOf, at, report } from '../../../test-support/case-fixtures.js';
import { FIXTURE_PASSWORD } from '../../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import { grantsFor } from '../../../platform/auth/access.js';
import { CasesRepository } from '../cases.repository.js';
import { CaseWritesRepository } from '../workflow/case-writes.repository.js';
import { CaseInboxRepository } from './case-inbox.repository.js';
import { caseTx, withCaseTables } from '../cases.tables.js';

let t: TestApp;
let resident: Client;
let gw1: Client;

beforeAll(async () => {
  t = await createTestApp();
  [resident, gw1] = (await Promise.all(['resident', 'gw1'].map((u) => t.login(u)))) as [Client, Client];
  for (let i = 0; i < 3; i++)
    expect((await report(resident, { title: `Inbox case ${i}` })).statusCode).toBe(201);
});

const countCases = async (title: string) =>
  Number(
    (
      await withCaseTables(t.services.database.db)
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('title', '=', title)
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('the inbox total', () => {
  it('is exact below the cap', async () => {
    const body = (await gw1.get('/api/v1/cases?state=submitted')).json();
    expect(body.total).toBe(3);
    expect(body.totalExact).toBe(true);
    expect(body.items).toHaveLength(3);
  });

  it('stops at the cap and says it is not exact, while the page is complete', async () => {
    const grants = grantsFor(await actorOf(t, 'gw1'), 'case.read');
    const db = withCaseTables(t.services.database.db);
    const capped = new CaseInboxRepository(
      db,
      new CasesRepository(db),
      new CaseWritesRepository(),
      (paths, epoch) => t.services.orgs.unitsUnder(paths, epoch),
      2,
    );
    const r = await capped.list({ grants, states: ['submitted'], limit: 10, offset: 0 });
    expect(r.total).toBe(2);
    expect(r.totalExact).toBe(false);
    expect(r.rows).toHaveLength(3);
  });

  it('counts a case written after the last count', async () => {
    const before = (await gw1.get('/api/v1/cases?state=submitted')).json();
    expect((await report(resident, { title: 'Inbox case late' })).statusCode).toBe(201);
    const after = (await gw1.get('/api/v1/cases?state=submitted')).json();
    expect(after.total).toBe(before.total + 1);
  });
});

describe('the inbox page', () => {
  it('pages newest first with no gap or repeat, each row a full case', async () => {
    const all = (await gw1.get('/api/v1/cases?limit=200')).json().items as {
      id: string;
      createdAt: string;
      category: { code: string };
    }[];
    expect(all.length).toBeGreaterThanOrEqual(4);
    const sorted = [...all].sort(
      (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id),
    );
    expect(all.map((c) => c.id)).toEqual(sorted.map((c) => c.id));
    const paged: string[] = [];
    for (let offset = 0; offset < all.length; offset += 2) {
      const page = (await gw1.get(`/api/v1/cases?limit=2&offset=${offset}`)).json();
      expect(page.total).toBe(all.length);
      paged.push(...page.items.map((c: { id: string }) => c.id));
    }
    expect(paged).toEqual(all.map((c) => c.id));
    expect(all.every((c) => c.category.code === 'road_facility.pothole')).toBe(true);
  });
});

describe('an intake answer', () => {
  it('is the case as it is then read back, for a resident and for staff', async () => {
    const mine = await report(resident, { title: 'Answer equals the read' });
    expect(mine.statusCode, mine.body).toBe(201);
    expect((await resident.get(`/api/v1/cases/${mine.json().id}`)).json()).toEqual(mine.json());
    const hotline = await report(gw1, { channel: 'hotline', title: 'Hotline answer equals the read' });
    expect(hotline.statusCode, hotline.body).toBe(201);
    expect((await gw1.get(`/api/v1/cases/${hotline.json().id}`)).json()).toEqual(hotline.json());
  });
});

describe('routing notifications', () => {
  it('reach staff granted on the unit since the last intake', async () => {
    const notify = async () => {
      const c = await report(resident, { title: 'Routed while staff change' });
      expect(c.statusCode, c.body).toBe(201);
      return c.json<{ id: string }>().id;
    };
    const before = await notify();
    await t.services.users.createUnchecked(
      { actor: null, requestId: 'test', ip: '127.0.0.1' },
      {
        username: 'gw1-new',
        displayName: 'gw1-new',
        kind: 'staff',
        password: FIXTURE_PASSWORD,
        grants: [{ role: 'grid_worker', orgUnitId: t.units.get('G1')!.id, department: null }],
      },
    );
    const after = await notify();
    const newcomer = await t.login('gw1-new');
    const routed = (await newcomer.get('/api/v1/notifications?limit=50'))
      .json<{ items: { kind: string; caseId: string }[] }>()
      .items.filter((n) => n.kind === 'case.routed')
      .map((n) => n.caseId);
    expect(routed).toContain(after);
    expect(routed).not.toContain(before);
  });
});

describe('an intake hook', () => {
  it('runs in the intake transaction: when it fails, no case, timeline or audit row remains', async () => {
    const title = 'Hooked intake that fails';
    const intake = t.services.cases.intake(
      { actor: null, requestId: 'hook-test', ip: '127.0.0.1' },
      {
        channel: 'external_api',
        category: 'road_facility.pothole',
        title,
        description: '',
        lat: at.G1[1],
        lng: at.G1[0],
        address: null,
        attributes: {},
        sourceRef: 'hook-test-1',
        reporterId: null,
      },
      null,
      async (trx, created) => {
        // The hook sees the case inside the transaction before it fails.
        const seen = await caseTx(trx)
          .selectFrom('cases')
          .select('id')
          .where('id', '=', created.id)
          .execute();
        expect(seen).toHaveLength(1);
        throw new Error('channel record failed');
      },
    );
    await expect(intake).rejects.toThrow('channel record failed');
    expect(await countCases(title)).toBe(0);
    const audit = await t.services.database.db
      .selectFrom('audit_log')
      .select('seq')
      .where('request_id', '=', 'hook-test')
      .execute();
    expect(audit).toHaveLength(0);
  });

  it('commits with the case when it succeeds', async () => {
    const title = 'Hooked intake that succeeds';
    let hookCaseId = '';
    const c = await t.services.cases.intake(
      { actor: null, requestId: 'hook-test-2', ip: '127.0.0.1' },
      {
        channel: 'external_api',
        category: 'road_facility.pothole',
        title,
        description: '',
        lat: at.G1[1],
        lng: at.G1[0],
        address: null,
        attributes: {},
        sourceRef: 'hook-test-2',
        reporterId: null,
      },
      null,
      async (_trx, created) => {
        hookCaseId = created.id;
        await Promise.resolve();
      },
    );
    expect(hookCaseId).toBe(c.id);
    expect(c.ref).toMatch(/^C\d{4}-\d{6}$/);
    expect(c.responsible_unit_id).toBe(t.units.get('G1')!.id);
    expect(await countCases(title)).toBe(1);
  });
});
