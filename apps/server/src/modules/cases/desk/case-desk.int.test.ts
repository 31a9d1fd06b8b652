import { beforeAll, describe, expect, it } from 'vitest';
import { at, caseRow, report, userId } from '../../../test-support/case-fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';

let t: TestApp;
let resident: Client;
let gw1: Client;
let gw2: Client;
let ca1: Client;
let auditor: Client;

beforeAll(async () => {
  t = await createTestApp();
  [resident, gw1, gw2, ca1, auditor] = (await Promise.all(
    ['resident', 'gw1', 'gw2', 'ca1', 'auditor'].map((u) => t.login(u)),
  )) as [Client, Client, Client, Client, Client];
});

const hotline = (c: Client, contact: Record<string, string>) =>
  report(c, { channel: 'hotline', title: 'Caller: broken streetlight', contact });

describe('caller contact', () => {
  let caseId: string;

  it('is stored sealed and shown masked to staff', async () => {
    const r = await hotline(gw1, { name: '张三丰', phone: '138 0013 8000' });
    expect(r.statusCode, r.body).toBe(201);
    caseId = r.json().id;
    expect(r.json().contact).toEqual({ name: '张*丰', phone: '138****8000' });
    expect((await ca1.get(`/api/v1/cases/${caseId}`)).json().contact).toEqual({
      name: '张*丰',
      phone: '138****8000',
    });
    const row = await caseRow(t, caseId);
    expect(row?.contact_phone_enc).toMatch(/^v2\.[0-9a-f]{16}\./);
    const raw = JSON.stringify(row);
    expect(raw).not.toContain('0013 8000');
    expect(raw).not.toContain('13800138000');
    expect(raw).not.toContain('张三丰');
  });

  it('never appears in the timeline or the audit log', async () => {
    const events = JSON.stringify((await gw1.get(`/api/v1/cases/${caseId}/timeline`)).json());
    const audit = JSON.stringify(
      await t.services.database.db
        .selectFrom('audit_log')
        .select('detail')
        .where('target_id', '=', caseId)
        .execute(),
    );
    for (const text of [events, audit]) {
      expect(text).not.toContain('0013 8000');
      expect(text).not.toContain('13800138000');
      expect(text).not.toContain('三丰');
    }
  });

  it('is revealed to a handler with a reason, and the reveal is audited', async () => {
    expect((await gw1.post(`/api/v1/cases/${caseId}/contact/reveal`, { field: 'phone' })).statusCode).toBe(
      400,
    );
    const r = await gw1.post(`/api/v1/cases/${caseId}/contact/reveal`, {
      field: 'phone',
      reason: 'calling back about the repair',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ field: 'phone', value: '138 0013 8000' });
    const name = await ca1.post(`/api/v1/cases/${caseId}/contact/reveal`, { field: 'name', reason: 'visit' });
    expect(name.json().value).toBe('张三丰');
    const audit = await t.services.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'detail'])
      .where('action', '=', 'case.contact.reveal')
      .where('target_id', '=', caseId)
      .orderBy('seq')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]!.actor_id).toBe(await userId(t, 'gw1'));
    expect(audit[0]!.detail).toMatchObject({ field: 'phone', reason: 'calling back about the repair' });
  });

  it('is hidden from those who may not handle the case', async () => {
    const body = { field: 'phone', reason: 'curious' };
    expect((await gw2.post(`/api/v1/cases/${caseId}/contact/reveal`, body)).statusCode).toBe(404);
    expect((await auditor.post(`/api/v1/cases/${caseId}/contact/reveal`, body)).statusCode).toBe(403);
    expect((await resident.post(`/api/v1/cases/${caseId}/contact/reveal`, body)).statusCode).toBe(403);
  });

  it('is refused on a resident report, and optional elsewhere', async () => {
    const r = await report(resident, { contact: { phone: '13800138000' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('contact_not_allowed');
    const none = await report(gw1, { channel: 'walk_in', title: 'No contact' });
    expect(none.statusCode, none.body).toBe(201);
    expect(none.json().contact).toBeNull();
    const bad = await hotline(gw1, { phone: '<script>' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('assignees', () => {
  it('lists who the assign action accepts: handlers on the holding unit and above', async () => {
    const c = (await report(resident)).json();
    const r = await gw1.get(`/api/v1/cases/${c.id}/assignees`);
    expect(r.statusCode, r.body).toBe(200);
    const ids = r.json().items.map((i: { id: string }) => i.id);
    for (const u of ['gw1', 'ca1', 'street1', 'commander']) expect(ids).toContain(await userId(t, u));
    for (const u of ['gw2', 'ca2', 'police', 'auditor', 'resident'])
      expect(ids).not.toContain(await userId(t, u));
    expect(Object.keys(r.json().items[0]).sort()).toEqual(['id', 'name']);
    // Every listed person is accepted by the assign action itself.
    const v = (
      await gw1.post(`/api/v1/cases/${c.id}/actions`, { action: 'accept', version: c.version })
    ).json().version;
    const assigned = await gw1.post(`/api/v1/cases/${c.id}/actions`, {
      action: 'assign',
      version: v,
      assigneeId: await userId(t, 'ca1'),
    });
    expect(assigned.statusCode, assigned.body).toBe(200);
  });

  it('is for those handling the case only', async () => {
    const c = (await report(resident)).json();
    expect((await gw2.get(`/api/v1/cases/${c.id}/assignees`)).statusCode).toBe(404);
    expect((await resident.get(`/api/v1/cases/${c.id}/assignees`)).statusCode).toBe(403);
  });
});

describe('nearby for residents', () => {
  it('gives residents a minimal view and staff the full one', async () => {
    const mine = (
      await report(resident, {
        category: 'sanitation.overflowing_bin',
        title: 'Bin by the school',
        description: 'Private detail',
      })
    ).json();
    const q = `/api/v1/cases/nearby?category=sanitation.overflowing_bin&lat=${at.G1[1]}&lng=${at.G1[0]}`;
    const pub = await resident.get(q);
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().view).toBe('public');
    const item = pub.json().items.find((i: { ref: string }) => i.ref === mine.ref);
    expect(Object.keys(item).sort()).toEqual(['category', 'createdAt', 'distanceM', 'ref', 'state']);
    expect(item.distanceM % 10).toBe(0);
    expect(item.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(pub.body).not.toContain('Private detail');
    const staff = (await gw1.get(q)).json();
    expect(staff.view).toBe('staff');
    expect(staff.items.map((i: { id: string }) => i.id)).toContain(mine.id);
  });
});

describe('public map area', () => {
  it('gives anyone the bounding box and centre of the district', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/config/public' });
    expect(r.statusCode).toBe(200);
    expect(r.json().mapArea).toEqual({ bbox: [113.8, 22.5, 114.0, 22.7], center: [113.9, 22.6] });
  });
});

describe('the API description', () => {
  it('describes the new routes', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, unknown>>;
    }>();
    for (const [p, m] of [
      ['/api/v1/cases/{id}/attachments', 'post'],
      ['/api/v1/cases/{id}/attachments', 'get'],
      ['/api/v1/cases/{id}/attachments/{attachmentId}', 'get'],
      ['/api/v1/cases/{id}/assignees', 'get'],
      ['/api/v1/cases/{id}/contact/reveal', 'post'],
    ] as const)
      expect(spec.paths[p]?.[m], `${m} ${p}`).toBeDefined();
  });
});
