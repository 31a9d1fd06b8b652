import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../platform/db/migrate.js';
import { createTestDatabase } from '../../test-support/test-database.js';

/**
 * Migration 0013 adds the per-case metric facts and fills them for cases written before it, from
 * their timelines: the same figures the workflow keeps from then on (docs/metrics.md).
 */
describe('migration 0013 (case metric facts)', () => {
  it('fills the facts of existing cases from their timelines', async () => {
    const all = loadMigrations();
    const at = all.findIndex((m) => m.version.startsWith('0013_'));
    expect(at).toBeGreaterThan(0);
    const { db } = await createTestDatabase(all.slice(0, at));

    await sql`INSERT INTO org_units (id, code, type, name_zh, name_en, path, depth)
      VALUES ('00000000-0000-4000-8000-000000000001', 'D', 'district', '区', 'District',
        '00000000-0000-4000-8000-000000000001/', 0)`.execute(db);
    const insertCase = (id: string, state: string, respondedAt: string | null) => sql`
      INSERT INTO cases (id, ref, channel, category_id, title, lat, lng, h3, org_unit_id, state,
        responsible_unit_id, responsible_role, response_due_at, resolution_due_at, responded_at,
        resolved_at, resolution_note, created_at)
      SELECT ${id}::uuid, ${id}, 'hotline', id, 't', 31.2, 121.4, 'h3', '00000000-0000-4000-8000-000000000001',
        ${state}, '00000000-0000-4000-8000-000000000001', 'grid_worker', now(), now(),
        ${respondedAt}::timestamptz,
        CASE WHEN ${state} IN ('resolved', 'closed') THEN '2026-01-01T20:00:00Z'::timestamptz END,
        CASE WHEN ${state} IN ('resolved', 'closed') THEN 'done' END, '2026-01-01T00:00:00Z'
      FROM case_categories WHERE code = 'noise'`;
    const A = '00000000-0000-4000-8000-00000000000a';
    const B = '00000000-0000-4000-8000-00000000000b';
    const C = '00000000-0000-4000-8000-00000000000c';
    // A: paused 1 h before its first assignment and 2 h after it, resolved, disputed, resolved again.
    await insertCase(A, 'resolved', '2026-01-01T03:00:00Z').execute(db);
    // B: never assigned, paused once for 30 min.
    await insertCase(B, 'accepted', null).execute(db);
    // C: assigned, no pauses, nothing else.
    await insertCase(C, 'assigned', '2026-01-01T01:00:00Z').execute(db);
    const ev = (caseId: string, hour: number, action: string, data: object = {}) =>
      sql`INSERT INTO case_events (case_id, at, action, visibility, data)
        VALUES (${caseId}::uuid, ${new Date(Date.UTC(2026, 0, 1, hour))}, ${action}, 'public', ${JSON.stringify(data)}::jsonb)`.execute(
        db,
      );
    await ev(A, 1, 'pause');
    await ev(A, 2, 'resume', { pausedMs: 3_600_000 });
    await ev(A, 3, 'assign');
    await ev(A, 4, 'pause');
    await ev(A, 6, 'resume', { pausedMs: 7_200_000 });
    await ev(A, 8, 'assign');
    await ev(A, 10, 'resolve');
    await ev(A, 12, 'dispute');
    await ev(A, 20, 'resolve');
    await ev(B, 1, 'pause');
    await ev(B, 1, 'resume', { pausedMs: 1_800_000 });
    await ev(C, 1, 'assign');

    await migrate(db, all);
    const facts = await sql<{
      id: string;
      paused_ms: number;
      response_paused_ms: number | null;
      resolve_count: number;
      reopen_count: number;
    }>`SELECT id, paused_ms, response_paused_ms, resolve_count, reopen_count FROM cases ORDER BY id`.execute(
      db,
    );
    expect(facts.rows).toEqual([
      { id: A, paused_ms: 10_800_000, response_paused_ms: 3_600_000, resolve_count: 2, reopen_count: 1 },
      { id: B, paused_ms: 1_800_000, response_paused_ms: null, resolve_count: 0, reopen_count: 0 },
      { id: C, paused_ms: 0, response_paused_ms: 0, resolve_count: 0, reopen_count: 0 },
    ]);
  });
});
