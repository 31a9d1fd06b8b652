import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../../platform/db/migrate.js';
import { at, report, userId } from '../../../test-support/case-fixtures.js';
import { FIXTURE_PASSWORD } from '../../../test-support/fixtures.js';
import { createTestDatabase } from '../../../test-support/test-database.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import { withCaseTables } from '../cases.tables.js';

// ADR 0020: a sourceRef is the idempotency key of its submitter, never of the installation.
let t: TestApp;
let ca1: Client;
let ca2: Client;
let resident: Client;
let resident2: Client;

beforeAll(async () => {
  t = await createTestApp();
  ca1 = await t.login('ca1');
  ca2 = await t.login('ca2');
  resident = await t.login('resident');
  await t.services.users.createUnchecked(
    { actor: null, requestId: 'test', ip: '127.0.0.1' },
    {
      username: 'resident2',
      displayName: 'resident2',
      kind: 'resident',
      password: FIXTURE_PASSWORD,
      grants: [{ role: 'resident', orgUnitId: t.units.get('G1')!.id, department: null }],
    },
  );
  resident2 = await t.login('resident2');
});

const hotline = (client: Client, over: Record<string, unknown>) =>
  client.post('/api/v1/cases', {
    channel: 'hotline',
    category: 'road_facility.pothole',
    title: 'Caller reports a pothole',
    description: 'Outside the market',
    location: { type: 'Point', coordinates: at.G1 },
    ...over,
  });

const rowsWithRef = async (sourceRef: string) =>
  withCaseTables(t.services.database.db)
    .selectFrom('cases')
    .select(['id', 'title', 'created_by'])
    .where('source_ref', '=', sourceRef)
    .execute();

const eventsOf = async (caseId: string) =>
  (
    await sql<{ action: string }>`SELECT action FROM case_events WHERE case_id = ${caseId}`.execute(
      t.services.database.db,
    )
  ).rows.map((r) => r.action);

describe('a sourceRef reused by another submitter', () => {
  it('makes a second case: community 2 never receives community 1’s case', async () => {
    const first = await hotline(ca1, {
      sourceRef: 'ticket-7',
      title: 'C1 secret title',
      description: 'Flat 3, Mr Wang’s door',
      address: 'No. 9 Market Lane',
    });
    expect(first.statusCode, first.body).toBe(201);
    const second = await hotline(ca2, {
      sourceRef: 'ticket-7',
      title: 'C2 own title',
      location: { type: 'Point', coordinates: at.G3 },
    });
    expect(second.statusCode, second.body).toBe(201);
    expect(second.json().id).not.toBe(first.json().id);
    expect(second.json().title).toBe('C2 own title');
    for (const leaked of ['C1 secret title', 'Mr Wang', 'Market Lane', String(at.G1[0])])
      expect(second.body).not.toContain(leaked);
    const rows = await rowsWithRef('ticket-7');
    expect(rows.map((r) => r.title).sort()).toEqual(['C1 secret title', 'C2 own title']);
  });

  it('makes a second case: one resident never receives another resident’s report', async () => {
    const mine = await report(resident, { sourceRef: 'phone-draft-1', title: 'My leaking pipe at home' });
    expect(mine.statusCode, mine.body).toBe(201);
    const theirs = await report(resident2, { sourceRef: 'phone-draft-1', title: 'Broken bench' });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.json().id).not.toBe(mine.json().id);
    expect(theirs.body).not.toContain('leaking pipe');
    expect(await rowsWithRef('phone-draft-1')).toHaveLength(2);
  });
});

describe('a repeat by the same submitter', () => {
  it('answers 200 with the case the first request made, and writes nothing new', async () => {
    const body = { sourceRef: 'resend-1', title: 'Sent twice over a bad line' };
    const first = await hotline(ca1, body);
    expect(first.statusCode, first.body).toBe(201);
    const again = await hotline(ca1, body);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(await rowsWithRef('resend-1')).toHaveLength(1);
    expect(await eventsOf(first.json().id)).toEqual(['create', 'route']);
    const creates = await t.services.database.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'case.create')
      .where('target_id', '=', first.json().id)
      .execute();
    expect(creates).toHaveLength(1);
  });

  it('is refused with 409 when the same key carries a different case, and nothing is stored', async () => {
    const first = await hotline(ca1, { sourceRef: 'resend-2', title: 'First use of the key' });
    expect(first.statusCode).toBe(201);
    const other = await hotline(ca1, { sourceRef: 'resend-2', title: 'A different case' });
    expect(other.statusCode, other.body).toBe(409);
    expect(other.json().code).toBe('source_ref_reused');
    const rows = await rowsWithRef('resend-2');
    expect(rows.map((r) => r.title)).toEqual(['First use of the key']);
  });

  it('is checked only after the submitter may enter a case there', async () => {
    const first = await hotline(ca1, { sourceRef: 'resend-3' });
    expect(first.statusCode).toBe(201);
    // Same key, a place outside ca1's community: the scope refusal comes first.
    const outside = await hotline(ca1, {
      sourceRef: 'resend-3',
      location: { type: 'Point', coordinates: at.G3 },
    });
    expect(outside.statusCode).toBe(403);
    expect(outside.body).not.toContain(first.json().id);
  });

  it('sent concurrently, makes exactly one case; the others get it with 200', async () => {
    const body = { sourceRef: 'burst-1', title: 'Retried by a flaky client' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => hotline(ca1, body)));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses, answers.map((a) => a.body).join('\n')).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.json<{ id: string }>().id)).size).toBe(1);
    const rows = await rowsWithRef('burst-1');
    expect(rows).toHaveLength(1);
    expect(await eventsOf(rows[0]!.id)).toEqual(['create', 'route']);
  });
});

describe('sensor alarms', () => {
  it('are one case per alarm id, whoever else used the same text as a sourceRef', async () => {
    await hotline(ca1, { channel: 'external_api', sourceRef: 'alarm-77' });
    const alarm = {
      alarmId: 'alarm-77',
      category: 'safety_hazard',
      title: 'Smoke in the bike shed',
      lat: at.G1[1],
      lng: at.G1[0],
      raisedAt: new Date().toISOString(),
    };
    const a = await t.services.cases.createFromAlarm(alarm);
    const b = await t.services.cases.createFromAlarm(alarm);
    expect(b.id).toBe(a.id);
    const rows = await withCaseTables(t.services.database.db)
      .selectFrom('cases')
      .select(['channel', 'source_submitter'])
      .where('source_ref', '=', 'alarm-77')
      .orderBy('channel')
      .execute();
    expect(rows).toEqual([
      { channel: 'external_api', source_submitter: `user:${await userId(t, 'ca1')}` },
      { channel: 'sensor_alarm', source_submitter: 'alarm' },
    ]);
  });
});

describe('migration 0020', () => {
  it('gives existing keys their submitter and lets another submitter reuse them', async () => {
    const all = loadMigrations();
    const db = (await createTestDatabase(all.filter((m) => m.version < '0020'))).db;
    const unit = await sql<{ id: string }>`INSERT INTO org_units (code, type, name_zh, name_en, path, depth)
      VALUES ('M', 'district', 'M', 'M', '/m/', 1) RETURNING id`.execute(db);
    const u = unit.rows[0]!.id;
    const user = await sql<{ id: string }>`INSERT INTO users (username, display_name, kind, password_hash)
      VALUES ('old', 'old', 'resident', 'x') RETURNING id`.execute(db);
    const reporter = user.rows[0]!.id;
    const insert = (channel: string, sourceRef: string | null, createdBy: string | null) =>
      sql`INSERT INTO cases (ref, channel, source_ref, category_id, title, lat, lng, h3, org_unit_id, state,
          created_by, responsible_unit_id, responsible_role, response_due_at, resolution_due_at)
        SELECT ${`R-${channel}-${sourceRef ?? 'none'}`}, ${channel}, ${sourceRef}, id, 't', 22.5, 113.8, 'x', ${u},
          'submitted', ${createdBy}, ${u}, 'grid_worker', now(), now()
        FROM case_categories WHERE code = 'other'`.execute(db);
    await insert('resident_report', 'draft-1', reporter);
    await insert('sensor_alarm', 'alarm-1', null);
    await insert('external_api', 'ext-1', null);
    await insert('hotline', null, reporter);
    await migrate(db, all);
    const rows = await sql<{ channel: string; source_submitter: string | null }>`
      SELECT channel, source_submitter FROM cases ORDER BY channel`.execute(db);
    expect(rows.rows).toEqual([
      { channel: 'external_api', source_submitter: 'system' },
      { channel: 'hotline', source_submitter: null },
      { channel: 'resident_report', source_submitter: `user:${reporter}` },
      { channel: 'sensor_alarm', source_submitter: 'alarm' },
    ]);
    // The same key from another submitter is a new case; from the same one, the index refuses it.
    const again = (submitter: string, ref: string) =>
      sql`INSERT INTO cases (ref, channel, source_ref, source_submitter, category_id, title, lat, lng, h3,
          org_unit_id, state, responsible_unit_id, responsible_role, response_due_at, resolution_due_at)
        SELECT ${ref}, 'resident_report', 'draft-1', ${submitter}, id, 't', 22.5, 113.8, 'x', ${u}, 'submitted',
          ${u}, 'grid_worker', now(), now()
        FROM case_categories WHERE code = 'other'`.execute(db);
    await again('user:someone-else', 'R-2');
    await expect(again(`user:${reporter}`, 'R-3')).rejects.toThrow(/cases_source_idx|duplicate key/);
    // A key always names its submitter.
    await expect(
      sql`UPDATE cases SET source_submitter = NULL WHERE source_ref = 'ext-1'`.execute(db),
    ).rejects.toThrow(/cases_source_submitter_check|check constraint/);
  });
});
