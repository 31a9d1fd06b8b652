import fs from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFileStore } from '../../../platform/files/local-file-store.js';
import { ORPHAN_GRACE_MS, OrphanFileSweep } from '../../../platform/files/orphan-file-sweep.js';
import { report } from '../../../test-support/case-fixtures.js';
import { jpeg } from '../../../test-support/image-fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';

let t: TestApp;
let dataDir: string;
let resident: Client;
let store: LocalFileStore;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'civitas-sweep-'));
  t = await createTestApp({ DATA_DIR: dataDir });
  resident = await t.login('resident');
  // A second handle on the same folder the server writes to, to plant files and age them.
  store = await LocalFileStore.open(path.join(dataDir, 'files'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const fileOf = (key: string) => path.join(dataDir, 'files', key.slice(0, 2), key.slice(2, 4), key);

/** Sets a stored file's modification time `ms` into the past, as if written that long ago. */
async function age(key: string, ms: number): Promise<void> {
  const then = new Date(Date.now() - ms);
  await fs.utimes(fileOf(key), then, then);
}

async function attachPhoto(c: Client, caseId: string): Promise<string> {
  const b = '----civitas-sweep';
  const res = await c.app.inject({
    method: 'POST',
    url: `/api/v1/cases/${caseId}/attachments`,
    headers: {
      cookie: c.cookie,
      'x-csrf-token': c.csrf,
      'content-type': `multipart/form-data; boundary=${b}`,
    },
    payload: Buffer.concat([
      Buffer.from(
        `--${b}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
      ),
      jpeg(),
      Buffer.from(`\r\n--${b}--\r\n`),
    ]),
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ id: string }>().id;
  const { rows } = await sql<{
    storage_key: string;
  }>`SELECT storage_key FROM case_attachments WHERE id = ${id}`.execute(t.services.database.db);
  return rows[0]!.storage_key;
}

describe('orphan file sweep', () => {
  it('removes a file no attachment points at once it is past the grace, and keeps fresh and attached ones', async () => {
    const created = await report(resident);
    expect(created.statusCode, created.body).toBe(201);
    const attached = await attachPhoto(resident, created.json<{ id: string }>().id);
    await age(attached, 3 * ORPHAN_GRACE_MS);
    // A file whose row never committed (the process died between the write and the commit).
    const orphan = (await store.put(jpeg())).key;
    await age(orphan, ORPHAN_GRACE_MS + 60_000);
    // Written a moment ago: its upload's transaction may still be running.
    const fresh = (await store.put(jpeg())).key;

    const listed = [];
    for await (const o of store.list()) listed.push(o.key);
    expect(listed.sort()).toEqual([attached, orphan, fresh].sort());

    const result = await t.services.fileSweep.run();
    expect(result).toEqual({ scanned: 3, removed: 1 });
    await expect(store.exists(orphan)).resolves.toBe(false);
    await expect(store.exists(fresh)).resolves.toBe(true);
    await expect(store.exists(attached)).resolves.toBe(true);
    // The attached photo is still served.
    const list = await resident.get(`/api/v1/cases/${created.json<{ id: string }>().id}/attachments`);
    const [item] = list.json<{ items: { url: string }[] }>().items;
    expect((await resident.get(item!.url)).statusCode).toBe(200);
  });

  it('a fresh orphan goes once it ages past the grace; a second run finds nothing more', async () => {
    const orphan = (await store.put(jpeg())).key;
    expect((await t.services.fileSweep.run()).removed).toBe(0);
    await age(orphan, ORPHAN_GRACE_MS + 60_000);
    expect((await t.services.fileSweep.run()).removed).toBe(1);
    await expect(store.exists(orphan)).resolves.toBe(false);
    expect((await t.services.fileSweep.run()).removed).toBe(0);
  });

  it('checks keys in batches and asks every module that references files', async () => {
    const own = await LocalFileStore.open(path.join(dataDir, 'other-files'));
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { key } = await own.put(Buffer.from(`file ${i}`));
      const then = new Date(Date.now() - 2 * ORPHAN_GRACE_MS);
      await fs.utimes(path.join(dataDir, 'other-files', key.slice(0, 2), key.slice(2, 4), key), then, then);
      keys.push(key);
    }
    const asked: number[] = [];
    // A second referencing module holds two of the keys; case attachments hold none of them.
    const other = {
      referenced: (batch: readonly string[]) => {
        asked.push(batch.length);
        return Promise.resolve(new Set(batch.filter((k) => k === keys[0] || k === keys[3])));
      },
    };
    const refs = [other, { referenced: () => Promise.resolve(new Set<string>()) }];
    const sweep = new OrphanFileSweep(own, refs, pino({ level: 'silent' }), { batch: 2 });
    const result = await sweep.run();
    expect(result.removed).toBe(3);
    expect(Math.max(...asked)).toBeLessThanOrEqual(2);
    const left = await Promise.all(keys.map((k) => own.exists(k)));
    expect(left).toEqual([true, false, false, true, false]);
  });
});
