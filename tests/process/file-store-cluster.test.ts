import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jpeg } from '../../apps/server/src/test-support/image-fixtures.js';
import {
  childEnv,
  cliJs,
  mainJs,
  run,
  scratchDatabase,
  signIn,
  startServer,
  tempDir,
  type Running,
} from './support.js';

/**
 * ADR 0040: two web processes on one PostgreSQL database, each with its own DATA_DIR, as two
 * containers behind a load balancer. With FILE_STORE=database a case photo uploaded through A is
 * read byte for byte through B; with FILE_STORE=local it is a 404 through B (why the setting
 * exists), until `civitas files migrate --to database` copies it over under the same key.
 */
const password = 'file-store-cluster-pw';
let scratch: { url: string; drop: () => Promise<void> };
let shared: Record<string, string>;
const dirA = tempDir('files-a');
const dirB = tempDir('files-b');
const dirC = tempDir('files-c');
const running = new Set<Running>();
let db: pg.Client;
let session: { cookie: string; csrf: string };
let caseId: string;

async function start(dir: string, fileStore: 'local' | 'database'): Promise<Running> {
  const r = await startServer(childEnv({ ...shared, DATA_DIR: dir, FILE_STORE: fileStore }));
  running.add(r);
  return r;
}

async function stop(...servers: Running[]): Promise<void> {
  for (const s of servers) {
    await s.stop();
    running.delete(s);
  }
}

async function uploadPhoto(server: Running, photo: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'pothole.jpg');
  const up = await fetch(`${server.url}/api/v1/cases/${caseId}/attachments?purpose=report`, {
    method: 'POST',
    headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    body: form,
  });
  expect(up.status, await up.clone().text()).toBe(201);
  return ((await up.json()) as { id: string }).id;
}

const download = (server: Running, attachmentId: string) =>
  fetch(`${server.url}/api/v1/cases/${caseId}/attachments/${attachmentId}`, {
    headers: { cookie: session.cookie },
  });

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  scratch = await scratchDatabase('civitas_files');
  shared = {
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    DEMO: 'true',
    DEMO_SIMULATOR: 'false',
    DEMO_PASSWORD: password,
    PORT: '0',
    ROLE: 'web',
  };
  db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
}, 300_000);

afterAll(async () => {
  await stop(...running);
  await db?.end();
  await scratch?.drop();
  for (const dir of [dirA, dirB, dirC]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('case photos across two processes', () => {
  it('FILE_STORE=database: uploaded through A, read byte-identical through B', async () => {
    // One after the other: the first migrates and loads the demo district.
    const a = await start(dirA, 'database');
    const b = await start(dirB, 'database');
    session = await signIn(a.url, 'demo-community-1', password);
    const devices = await fetch(`${a.url}/api/v1/devices?limit=1`, { headers: { cookie: session.cookie } });
    const where = ((await devices.json()) as { items: { location: unknown }[] }).items[0]!.location;
    const created = await fetch(`${a.url}/api/v1/cases`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'walk_in',
        category: 'road_facility.pothole',
        title: 'Pothole by the school gate',
        location: where,
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    caseId = ((await created.json()) as { id: string }).id;

    const id = await uploadPhoto(a, jpeg());
    const throughA = await download(a, id);
    const throughB = await download(b, id);
    expect(throughB.status).toBe(200);
    expect(throughB.headers.get('content-type')).toBe('image/jpeg');
    const bytesA = Buffer.from(await throughA.arrayBuffer());
    const bytesB = Buffer.from(await throughB.arrayBuffer());
    expect(bytesB.length).toBeGreaterThan(100);
    expect(bytesB.equals(bytesA)).toBe(true);
    // The bytes B served are the object both processes read from the shared database.
    const stored = await db.query<{ sha256: string }>(
      `SELECT o.sha256 FROM case_attachments a JOIN file_objects o ON o.key = a.storage_key WHERE a.id = $1`,
      [id],
    );
    expect(stored.rows).toEqual([{ sha256: sha(bytesB) }]);
    // Neither process kept it on its own disk.
    for (const dir of [dirA, dirB]) expect(fs.existsSync(path.join(dir, 'files'))).toBe(false);
    await stop(a, b);
  });

  it('FILE_STORE=local: a 404 through B, until civitas files migrate copies it to the database', async () => {
    const a = await start(dirA, 'local');
    const b = await start(dirB, 'local');
    // Both serve HTTP with roles split on one database: each warns at start, naming the setting.
    for (const s of [a, b]) expect(s.output()).toContain('FILE_STORE=local in a cluster');
    const id = await uploadPhoto(a, jpeg());
    const throughA = await download(a, id);
    expect(throughA.status).toBe(200);
    const bytesA = Buffer.from(await throughA.arrayBuffer());
    const throughB = await download(b, id);
    expect(throughB.status).toBe(404);
    expect(await throughB.json()).toMatchObject({ code: 'file_not_found' });

    // The operator's way out: copy DATA_DIR/files of A into the database, then switch B over.
    const cliEnv = childEnv({ ...shared, DATA_DIR: dirA });
    const first = await run([cliJs, 'files', 'migrate', '--to', 'database'], cliEnv, 120_000);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /1 files in .*: 1 copied \(\d+ bytes\), 0 already in the database, 0 failed/,
    );
    const again = await run([cliJs, 'files', 'migrate', '--to', 'database'], cliEnv, 120_000);
    expect(again.stdout).toMatch(/1 files in .*: 0 copied \(0 bytes\), 1 already in the database, 0 failed/);
    await stop(b);
    const b2 = await start(dirB, 'database');
    const migrated = await download(b2, id);
    expect(migrated.status).toBe(200);
    expect(Buffer.from(await migrated.arrayBuffer()).equals(bytesA)).toBe(true);
    await stop(a, b2);
  });

  // A pg_dump restored onto a new database serves the photos again: operator-walkthrough.test.ts.

  it('refuses FILE_STORE=database without DATABASE_URL at start, naming the setting', async () => {
    const r = await run(
      [mainJs],
      childEnv({ DATA_DIR: tempDir('files-embedded'), PORT: '0', FILE_STORE: 'database' }),
      60_000,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('config error: FILE_STORE: database needs DATABASE_URL');
  });
});
