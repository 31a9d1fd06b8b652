import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, report, userId } from '../../../test-support/case-fixtures.js';
import { exifWithGps, jpeg } from '../../../test-support/image-fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';

const MAX = 4096;
let t: TestApp;
let dataDir: string;
let resident: Client;
let gw1: Client;
let gw2: Client;
let commander: Client;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'civitas-attach-'));
  t = await createTestApp({ DATA_DIR: dataDir, ATTACHMENT_MAX_BYTES: String(MAX) });
  [resident, gw1, gw2, commander] = await Promise.all(
    ['resident', 'gw1', 'gw2', 'commander'].map((u) => t.login(u)),
  ).then((c) => c as [Client, Client, Client, Client]);
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Every object the local store holds (temp files excluded). */
function storedFiles(): string[] {
  const root = path.join(dataDir, 'files');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && !e.parentPath.includes(`${path.sep}tmp`))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

/** A multipart body with an optional `purpose` field before the file, as a browser form sends it. */
function upload(
  c: Client,
  caseId: string,
  bytes: Buffer,
  fileName: string,
  purpose?: string,
): Promise<LightMyRequestResponse> {
  const b = '----civitas-attach';
  const field = purpose
    ? `--${b}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\n${purpose}\r\n`
    : '';
  const payload = Buffer.concat([
    Buffer.from(
      `${field}--${b}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: image/jpeg\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${b}--\r\n`),
  ]);
  return c.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${caseId}/attachments`,
    headers: {
      cookie: c.cookie,
      'x-csrf-token': c.csrf,
      'content-type': `multipart/form-data; boundary=${b}`,
    },
    payload,
  });
}

const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1');

describe('case attachments', () => {
  let caseId: string;

  it('the reporter attaches a photo at report time; GPS and camera Exif are gone on download', async () => {
    const created = await report(resident);
    expect(created.statusCode, created.body).toBe(201);
    caseId = created.json().id;
    const phone = jpeg({ exif: exifWithGps() });
    expect(phone.includes(Buffer.from('CivitasCam'))).toBe(true);

    const r = await upload(resident, caseId, phone, 'IMG_0001.JPG');
    expect(r.statusCode, r.body).toBe(201);
    const a = r.json();
    expect(a).toMatchObject({ fileName: 'IMG_0001.jpg', mime: 'image/jpeg', purpose: 'report' });
    expect(a.createdBy.id).toBe(await userId(t, 'resident'));

    const got = await gw1.get(a.url);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-disposition']).toMatch(/^inline; filename="IMG_0001.jpg"/);
    expect(got.rawPayload.equals(jpeg())).toBe(true);
    expect(got.rawPayload.includes(Buffer.from('CivitasCam'))).toBe(false);

    // The timeline and the audit log both hold the upload.
    const events = (await gw1.get(`/api/v1/cases/${caseId}/timeline`)).json().items;
    expect(events.some((e: { action: string }) => e.action === 'attach')).toBe(true);
    const audit = await t.services.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', caseId)
      .where('action', '=', 'case.attach')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('lists the files to the reporter and the staff who see the case', async () => {
    const mine = (await resident.get(`/api/v1/cases/${caseId}/attachments`)).json().items;
    expect(mine).toHaveLength(1);
    const staff = (await gw1.get(`/api/v1/cases/${caseId}/attachments`)).json().items;
    expect(staff[0].createdBy.id).toBe(await userId(t, 'resident'));
  });

  it('refuses an executable named .jpg with 415 and stores nothing', async () => {
    const before = storedFiles().length;
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
    const r = await upload(resident, caseId, exe, 'holiday.jpg');
    expect(r.statusCode).toBe(415);
    expect(r.json().code).toBe('file_type_not_allowed');
    expect(r.json().detail).toMatch(
      /a Windows executable, which is not allowed; allowed: JPEG, PNG, WebP, PDF/,
    );
    expect(storedFiles()).toHaveLength(before);
    expect((await gw1.get(`/api/v1/cases/${caseId}/attachments`)).json().items).toHaveLength(1);
  });

  it('refuses an iPhone HEIC photo with 415 and says how to send a JPEG instead', async () => {
    const before = storedFiles().length;
    // An ISO-BMFF `ftyp` box with the brands an iPhone writes, then the start of a `meta` box.
    const heic = Buffer.concat([
      Buffer.from([0, 0, 0, 0x18]),
      Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'),
      Buffer.from([0, 0, 0, 0x20]),
      Buffer.from('meta', 'latin1'),
      Buffer.alloc(200),
    ]);
    const r = await upload(resident, caseId, heic, 'IMG_0002.HEIC');
    expect(r.statusCode).toBe(415);
    const problem = r.json();
    expect(problem.code).toBe('file_type_not_allowed');
    expect(problem.detail).toMatch(/HEIC\/HEIF photo .*HEIC photos are not accepted/);
    expect(problem.hint).toMatch(/Set the camera to JPEG/);
    expect(storedFiles()).toHaveLength(before);
  });

  it('refuses a file over ATTACHMENT_MAX_BYTES with 413 and stores nothing', async () => {
    const before = storedFiles().length;
    const big = jpeg({ comment: 'x'.repeat(MAX) });
    const r = await upload(resident, caseId, big, 'big.jpg');
    expect(r.statusCode).toBe(413);
    expect(r.json().code).toBe('file_too_large');
    expect(storedFiles()).toHaveLength(before);
  });

  it('hides the files of a grid-A case from the worker of grid B, and from other residents', async () => {
    const list = (await gw1.get(`/api/v1/cases/${caseId}/attachments`)).json().items;
    const url = list[0].url as string;
    expect((await gw2.get(`/api/v1/cases/${caseId}/attachments`)).statusCode).toBe(404);
    expect((await gw2.get(url)).statusCode).toBe(404);
    expect((await upload(gw2, caseId, jpeg(), 'x.jpg')).statusCode).toBe(404);
    const other = await t.login('ca2');
    expect((await other.get(url)).statusCode).toBe(404);
    // An attachment id under another case is not found either.
    const elsewhere = (await report(resident, { title: 'Another' })).json();
    expect((await resident.get(`/api/v1/cases/${elsewhere.id}/attachments/${list[0].id}`)).statusCode).toBe(
      404,
    );
  });

  it('deletes the stored file again when its row cannot be written', async () => {
    const db = t.services.database.db;
    // A real failure inside the database: a trigger refusing one file name.
    await sql`CREATE FUNCTION refuse_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.file_name = 'doomed.jpg' THEN RAISE EXCEPTION 'refused by test trigger'; END IF;
        RETURN NEW;
      END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_attachment BEFORE INSERT ON case_attachments
      FOR EACH ROW EXECUTE FUNCTION refuse_attachment()`.execute(db);
    try {
      const before = storedFiles().length;
      const r = await upload(resident, caseId, jpeg(), 'doomed.jpg');
      expect(r.statusCode).toBe(500);
      expect(storedFiles()).toHaveLength(before);
      expect((await gw1.get(`/api/v1/cases/${caseId}/attachments`)).json().items).toHaveLength(1);
    } finally {
      await sql`DROP TRIGGER refuse_attachment ON case_attachments`.execute(db);
      await sql`DROP FUNCTION refuse_attachment()`.execute(db);
    }
  });

  it('serves PDFs as downloads with a safe file name', async () => {
    const r = await upload(gw1, caseId, pdf, '..\\..\\rep\u202eort<>.exe');
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ mime: 'application/pdf', purpose: 'other', fileName: 'report.pdf' });
    const got = await commander.get(r.json().url);
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.rawPayload.equals(pdf)).toBe(true);
  });

  it('resolving a photo category needs a resolution photo, uploaded here by the assignee', async () => {
    const c = (await report(resident, { title: 'Pothole to fix' })).json();
    // The reporter's photo of the problem is not evidence of the repair.
    expect((await upload(resident, c.id, jpeg(), 'problem.jpg')).statusCode).toBe(201);
    const gw1Id = await userId(t, 'gw1');
    let v = c.version as number;
    for (const body of [{ action: 'accept' }, { action: 'assign', assigneeId: gw1Id }, { action: 'start' }]) {
      const r = await act(gw1, c.id, { ...body, version: v });
      expect(r.statusCode, r.body).toBe(200);
      v = r.json().version;
    }
    const refused = await act(gw1, c.id, { action: 'resolve', version: v, note: 'Filled' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().code).toBe('photo_required');
    // The reporter can no longer add files once the case is being worked on.
    expect((await upload(resident, c.id, jpeg(), 'late.jpg')).statusCode).toBe(403);
    const photo = await upload(gw1, c.id, jpeg({ exif: exifWithGps() }), 'after.jpg');
    expect(photo.statusCode, photo.body).toBe(201);
    expect(photo.json().purpose).toBe('resolution');
    const resolved = await act(gw1, c.id, { action: 'resolve', version: v, note: 'Filled' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    // The resident sees the evidence, without the name of who took it.
    const seen = (await resident.get(`/api/v1/cases/${c.id}/attachments`)).json().items;
    expect(seen.map((a: { purpose: string }) => a.purpose)).toEqual(['report', 'resolution']);
    expect(seen[1].createdBy).toBeNull();
    expect((await resident.get(seen[1].url)).statusCode).toBe(200);
  });

  it('refuses a resolution purpose from the reporter and a bad purpose', async () => {
    const c = (await report(resident, { title: 'Purposes' })).json();
    const r = await upload(resident, c.id, jpeg(), 'a.jpg', 'resolution');
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('purpose_not_allowed');
    expect((await upload(resident, c.id, jpeg(), 'a.jpg', 'selfie')).statusCode).toBe(400);
    expect((await upload(resident, c.id, jpeg(), 'a.jpg', 'other')).json().purpose).toBe('other');
  });
});
