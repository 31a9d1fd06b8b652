import { beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../platform/auth/actor.js';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';

let t: TestApp;
const system: RequestContext = { actor: null, requestId: 'test', ip: '127.0.0.1' };
type Entry = { seq: number; action: string; actorDisplayName: string | null; targetUnitName: unknown };

beforeAll(async () => {
  t = await createTestApp();
  const unit = (code: string) => t.units.get(code)!.id;
  await t.services.users.createUnchecked(system, {
    username: 'aud-c2',
    displayName: '审计员 王芳',
    kind: 'staff',
    password: FIXTURE_PASSWORD,
    grants: [{ role: 'auditor', orgUnitId: unit('C2'), department: null }],
  });
  // Entries written through the real log, as the modules write them: one reveal in each community.
  const as = system;
  await t.services.audit.record(as, {
    action: 'case.contact.reveal',
    targetType: 'case',
    targetId: '=cmd|case-in-c1',
    targetUnitId: unit('C1'),
  });
  await t.services.audit.record(as, {
    action: 'resident.reveal',
    targetType: 'resident',
    targetId: 'resident-in-c2',
    targetUnitId: unit('C2'),
  });
  await t.services.audit.record(as, { action: 'case.read', targetType: 'case', targetUnitId: unit('C2') });
});

describe('the audit log for an auditor', () => {
  it('filters by action family and names people and units', async () => {
    const auditor = await t.login('auditor');
    const page = (await auditor.get('/api/v1/audit?family=reveal')).json<{ items: Entry[] }>();
    expect(page.items.map((e) => e.action).sort()).toEqual(['case.contact.reveal', 'resident.reveal']);
    expect(page.items.every((e) => e.targetUnitName !== null)).toBe(true);
    await t.login('aud-c2');
    const byName = (await auditor.get(`/api/v1/audit?actor=${encodeURIComponent('王芳')}`)).json<{
      items: Entry[];
    }>();
    expect(byName.items.length).toBeGreaterThan(0);
    expect(byName.items.every((e) => e.actorDisplayName === '审计员 王芳')).toBe(true);
    expect((await auditor.get('/api/v1/audit?family=nonsense')).statusCode).toBe(400);
  });

  it('exports the filtered view as UTF-8 CSV with BOM, in words, and audits the export', async () => {
    const auditor = await t.login('auditor');
    const res = await auditor.get('/api/v1/audit/export?family=reveal&lang=zh-CN');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toContain('序号,时间 (UTC),操作人');
    expect(lines).toHaveLength(3);
    expect(res.body).toContain('案件 · 查看报告人联系方式');
    expect(res.body).toContain('居民 · 查看完整个人信息');
    expect(res.body).not.toContain('case.read,');
    // A formula typed into the log reaches the file as text, never as a formula.
    expect(res.body).toContain(",'=cmd|case-in-c1,");
    expect(res.body).not.toContain(',=cmd');

    const exports = (await auditor.get('/api/v1/audit?action=audit.export')).json<{
      items: { actorName: string; detail: { rows: number; filter: { family: string } } }[];
    }>();
    expect(exports.items[0]).toMatchObject({
      actorName: 'auditor',
      detail: { rows: 2, filter: { family: 'reveal' } },
    });

    const en = await auditor.get('/api/v1/audit/export?family=reveal&lang=en');
    expect(en.body).toContain('Case · reporter contact revealed');
  });

  it('scopes the export like the list: an auditor of one community never gets another’s rows', async () => {
    const c2 = await t.login('aud-c2');
    const list = (await c2.get('/api/v1/audit?family=reveal')).json<{ items: Entry[] }>();
    expect(list.items.map((e) => e.action)).toEqual(['resident.reveal']);
    const csv = (await c2.get('/api/v1/audit/export?family=reveal')).body;
    expect(csv).toContain('resident-in-c2');
    expect(csv).not.toContain('case-in-c1');
    // The export entry sits on the exporter's unit, so the exporter's own scope shows it.
    const own = (await c2.get('/api/v1/audit?action=audit.export')).json<{ items: Entry[] }>();
    expect(own.items).toHaveLength(1);
  });

  it('refuses the export to staff without audit.read', async () => {
    const ca1 = await t.login('ca1');
    expect((await ca1.get('/api/v1/audit/export')).statusCode).toBe(403);
  });
});

describe('API tokens and residents', () => {
  it('refuses a resident a token, and nothing is stored or audited', async () => {
    const resident = await t.login('resident');
    const res = await resident.post('/api/v1/auth/tokens', { name: 'mine' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
    const stored = await t.services.database.db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.user_id')
      .select('api_tokens.id')
      .where('users.username', '=', 'resident')
      .execute();
    expect(stored).toHaveLength(0);
    const audited = await t.services.database.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'token.create')
      .where('actor_name', '=', 'resident')
      .execute();
    expect(audited).toHaveLength(0);
    // Staff still may (the same policy, the other side).
    expect((await (await t.login('ca1')).post('/api/v1/auth/tokens', { name: 'bridge' })).statusCode).toBe(
      201,
    );
  });
});
