import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { at, report, userId } from '../../test-support/case-fixtures.js';
import { jpeg } from '../../test-support/image-fixtures.js';
import { postForm } from '../../test-support/open311-support.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

// ASVS 16.3 (ADR 0020): every read that shows a case's personal data leaves an audit row, and the
// answer waits until that row is committed.
let t: TestApp;
let dataDir: string;
let resident: Client;
let gw1: Client;
let commander: Client;
let caseId: string;
let ref: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'civitas-read-audit-'));
  t = await createTestApp({ DATA_DIR: dataDir });
  [resident, gw1, commander] = (await Promise.all(
    ['resident', 'gw1', 'commander'].map((u) => t.login(u)),
  )) as [Client, Client, Client];
  const created = await report(resident, { title: 'Water in my hallway', address: 'Flat 502, Block 3' });
  expect(created.statusCode, created.body).toBe(201);
  ({ id: caseId, ref } = created.json<{ id: string; ref: string }>());
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Row {
  action: string;
  actor_id: string | null;
  actor_role: string | null;
  target_id: string | null;
  detail: Record<string, unknown>;
}
/** The audit rows of one action by one user, oldest first. */
async function audited(action: string, username: string): Promise<Row[]> {
  const uid = await userId(t, username);
  const r = await sql<Row>`SELECT action, actor_id, actor_role, target_id, detail FROM audit_log
    WHERE action = ${action} AND actor_id = ${uid} ORDER BY seq`.execute(t.services.database.db);
  return r.rows;
}

describe('reads of a case by staff', () => {
  it('the detail: one case.read row naming the case and the grant, there when the answer arrives', async () => {
    const before = (await audited('case.read', 'gw1')).length;
    const res = await gw1.get(`/api/v1/cases/${caseId}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().reporter).toMatchObject({ name: 'resident' });
    const rows = await audited('case.read', 'gw1');
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({
      target_id: caseId,
      actor_role: 'grid_worker',
      detail: { ref, view: 'staff' },
    });
  });

  it('the timeline: case.timeline.read', async () => {
    const res = await gw1.get(`/api/v1/cases/${caseId}/timeline`);
    expect(res.statusCode).toBe(200);
    expect((await audited('case.timeline.read', 'gw1')).at(-1)).toMatchObject({
      target_id: caseId,
      detail: { ref, view: 'staff' },
    });
  });

  it('a photo download: case.attachment.read naming the file', async () => {
    const b = '----audit';
    const up = await resident.app.inject({
      method: 'POST',
      url: `/api/v1/cases/${caseId}/attachments`,
      headers: {
        cookie: resident.cookie,
        'x-csrf-token': resident.csrf,
        'content-type': `multipart/form-data; boundary=${b}`,
      },
      payload: Buffer.concat([
        Buffer.from(
          `--${b}\r\nContent-Disposition: form-data; name="file"; filename="hall.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        jpeg(),
        Buffer.from(`\r\n--${b}--\r\n`),
      ]),
    });
    expect(up.statusCode, up.body).toBe(201);
    const file = up.json<{ id: string; url: string }>();
    expect((await gw1.get(file.url)).statusCode).toBe(200);
    expect((await audited('case.attachment.read', 'gw1')).at(-1)).toMatchObject({
      target_id: caseId,
      detail: { ref, attachmentId: file.id, purpose: 'report' },
    });
  });

  it('an inbox page: one case.list row with the ids shown, like a page of residents', async () => {
    const res = await gw1.get('/api/v1/cases?limit=50&state=submitted');
    expect(res.statusCode).toBe(200);
    const shown = res.json<{ items: { id: string }[] }>().items.map((i) => i.id);
    expect(shown).toContain(caseId);
    const row = (await audited('case.list', 'gw1')).at(-1)!;
    expect(row.detail).toMatchObject({ ids: shown, filter: { state: 'submitted', offset: 0 } });
  });

  it('an Open311 request’s masked contact: open311.request.read', async () => {
    const key = await commander.post('/api/v1/open311-keys', {
      name: 'FixMyStreet',
      orgUnitId: t.units.get('S1')!.id,
    });
    expect(key.statusCode, key.body).toBe(201);
    const posted = await postForm(t.app, '/open311/v2/requests.json', [
      ['api_key', key.json<{ key: string }>().key],
      ['service_code', 'road_facility.pothole'],
      ['lat', String(at.G1[1])],
      ['long', String(at.G1[0])],
      ['description', 'Hole by the gate'],
      ['email', 'li.wei@example.com'],
    ]);
    expect(posted.statusCode, posted.body).toBe(201);
    const o311Ref = posted.json<{ service_request_id: string }[]>()[0]!.service_request_id;
    const row = await sql<{ id: string }>`SELECT id FROM cases WHERE ref = ${o311Ref}`.execute(
      t.services.database.db,
    );
    const id = row.rows[0]!.id;
    const info = await gw1.get(`/api/v1/open311-requests/${id}`);
    expect(info.statusCode, info.body).toBe(200);
    expect((await audited('open311.request.read', 'gw1')).at(-1)).toMatchObject({ target_id: id });
  });
});

describe('reads that show nobody else’s data', () => {
  it('the reporter reading their own case leaves no row', async () => {
    for (const url of [`/api/v1/cases/${caseId}`, `/api/v1/cases/${caseId}/timeline`, '/api/v1/cases'])
      expect((await resident.get(url)).statusCode).toBe(200);
    for (const action of ['case.read', 'case.timeline.read', 'case.list'])
      expect(await audited(action, 'resident')).toEqual([]);
  });

  it('a refused read leaves no row and shows nothing', async () => {
    const gw2 = await t.login('gw2');
    const res = await gw2.get(`/api/v1/cases/${caseId}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('hallway');
    expect(await audited('case.read', 'gw2')).toEqual([]);
  });
});

describe('when the audit log cannot be written', () => {
  it('no case data leaves the server', async () => {
    const db = t.services.database.db;
    await sql`CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log
      FOR EACH ROW EXECUTE FUNCTION refuse_audit()`.execute(db);
    try {
      const file = (await gw1.get(`/api/v1/cases/${caseId}/attachments`)).json<{ items: { url: string }[] }>()
        .items[0]!;
      for (const url of [
        `/api/v1/cases/${caseId}`,
        `/api/v1/cases/${caseId}/timeline`,
        '/api/v1/cases?limit=50',
        file.url,
      ]) {
        const res = await gw1.get(url);
        expect(res.statusCode, url).toBe(500);
        expect(res.body, url).not.toContain('hallway');
        expect(res.body, url).not.toContain('Flat 502');
        expect(res.rawPayload.includes(jpeg().subarray(0, 20)), url).toBe(false);
      }
    } finally {
      await sql`DROP TRIGGER refuse_audit ON audit_log`.execute(db);
      await sql`DROP FUNCTION refuse_audit()`.execute(db);
    }
    expect((await gw1.get(`/api/v1/cases/${caseId}`)).statusCode).toBe(200);
  });
});
