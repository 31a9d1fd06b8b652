import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';
import { deriveAuditKeys } from './audit-keys.js';
import { AuditLog } from './audit-log.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const gw1 = await t.login('gw1');
  await gw1.post('/api/v1/residents', { name: '测试', gridId: t.units.get('G1')!.id });
});

// The triggers refuse edits; a database owner can still switch them off. The chain catches that.
const tamper = async (statement: ReturnType<typeof sql>) => {
  const { db } = t.services.database;
  await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
  await statement.execute(db);
  await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(db);
};

describe('audit log', () => {
  it('records who, role, unit, action, target and request id', async () => {
    const row = await t.services.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'resident.create')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      actor_name: 'gw1',
      actor_role: 'grid_worker',
      actor_unit_id: t.units.get('G1')!.id,
      target_type: 'resident',
    });
    expect(row.request_id).toMatch(/.{8,}/);
  });

  it('keeps one linear chain under concurrent appends', async () => {
    const ctx = { actor: null, requestId: 'concurrency', ip: '127.0.0.1' };
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.services.audit.record(ctx, { action: 'test.concurrent', detail: { i } }),
      ),
    );
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, firstBadSeq: null });
  });

  it('keeps one chain when two writers (as two processes would) take turns and race', async () => {
    const other = new AuditLog(
      t.services.database.db,
      deriveAuditKeys(t.services.cipher.auditKey),
      t.services.audit.checkpoints,
    );
    const ctx = { actor: null, requestId: 'two-writers', ip: '127.0.0.1' };
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? other : t.services.audit).record(ctx, {
            action: 'test.two_writers',
            detail: { round, i },
          }),
        ),
      );
    }
    const { n } = await t.services.database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'test.two_writers')
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(30);
    expect(await t.services.audit.verify()).toMatchObject({ ok: true, firstBadSeq: null });
  });

  it('lets auditors query and verify over HTTP', async () => {
    const auditor = await t.login('auditor');
    const page = (await auditor.get('/api/v1/audit?action=resident.create')).json();
    expect(page.items.length).toBeGreaterThan(0);
    const verify = (await auditor.get('/api/v1/audit/verify')).json();
    expect(verify.ok).toBe(true);
  });

  it('detects an edited row', async () => {
    const { seq } = await t.services.database.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'resident.create')
      .executeTakeFirstOrThrow();
    await tamper(sql`UPDATE audit_log SET actor_name = 'someone-else' WHERE seq = ${seq}`);
    const r = await t.services.audit.verify();
    expect(r).toMatchObject({ ok: false, firstBadSeq: seq, reason: expect.stringMatching(/content/) });
    await tamper(sql`UPDATE audit_log SET actor_name = 'gw1' WHERE seq = ${seq}`);
    expect((await t.services.audit.verify()).ok).toBe(true);
  });

  it('detects a removed row and a truncated tail', async () => {
    const { n } = await t.services.database.db
      .selectFrom('audit_log')
      .select(sql<number>`max(seq)`.as('n'))
      .executeTakeFirstOrThrow();
    await tamper(sql`DELETE FROM audit_log WHERE seq = ${n}`);
    expect(await t.services.audit.verify()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/removed/),
    });
    await tamper(sql`DELETE FROM audit_log WHERE seq = 3`);
    expect(await t.services.audit.verify()).toMatchObject({ ok: false, firstBadSeq: 3 });
  });
});
