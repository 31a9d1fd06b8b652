import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-database.js';
import { DatabaseFileStore } from './database-file-store.js';
import { migrateFilesToDatabase } from './files-migration.js';
import { LocalFileStore } from './local-file-store.js';

let database: TestDatabase;
let root: string;
beforeAll(async () => {
  database = await createTestDatabase();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'civitas-files-migrate-'));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const fileOf = (key: string) => path.join(root, key.slice(0, 2), key.slice(2, 4), key);

describe('civitas files migrate --to database', () => {
  it('copies every local object under its own key, verified, then finds nothing left to do', async () => {
    await sql`TRUNCATE file_chunks, file_objects`.execute(database.db);
    const local = await LocalFileStore.open(root);
    const contents = [
      Buffer.alloc(0),
      Buffer.from('small'),
      Buffer.alloc(600_000, 5),
      Buffer.alloc(70_000, 9),
    ];
    const keys = [];
    for (const c of contents) keys.push((await local.put(c)).key);
    const target = await DatabaseFileStore.open(database.db);

    // A key whose earlier copy was cut off half way, and one in the database with other bytes.
    await database.db.insertInto('file_objects').values({ key: keys[2]! }).execute();
    await database.db
      .insertInto('file_chunks')
      .values({ key: keys[2]!, seq: 0, data: Buffer.from('cut') })
      .execute();
    await target.importWithKey(keys[3]!, Buffer.from('other'), sha(Buffer.from('other')));

    const first = await migrateFilesToDatabase(local, target);
    expect(first).toEqual({
      scanned: 4,
      copied: 3,
      present: 0,
      bytesCopied: 600_005,
      failed: [{ key: keys[3], problem: 'in the database already, with different bytes' }],
    });
    for (const [i, key] of keys.slice(0, 3).entries()) {
      expect((await buffer(await target.get(key))).equals(contents[i]!)).toBe(true);
      expect(await target.describe(key)).toEqual({ size: contents[i]!.length, sha256: sha(contents[i]!) });
    }
    // The conflicting object was reported and left as it was.
    expect((await buffer(await target.get(keys[3]!))).toString()).toBe('other');

    await target.delete(keys[3]!);
    const second = await migrateFilesToDatabase(local, target);
    expect(second).toEqual({ scanned: 4, copied: 1, present: 3, bytesCopied: 70_000, failed: [] });
    // The local files stay where they were: the operator removes them after switching over.
    for (const key of keys) await expect(fs.stat(fileOf(key))).resolves.toBeTruthy();
  });

  it('reports a file that changed between its hash and its copy, and stores nothing for it', async () => {
    await sql`TRUNCATE file_chunks, file_objects`.execute(database.db);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'civitas-files-migrate-'));
    const local = await LocalFileStore.open(dir);
    const { key } = await local.put(Buffer.alloc(50_000, 1));
    const file = path.join(dir, key.slice(0, 2), key.slice(2, 4), key);
    // A store whose second read of the file sees other bytes, as a disk rewriting it would.
    let reads = 0;
    const flaky = {
      list: () => local.list(),
      get: async (k: string) => {
        if (++reads === 2) await fs.writeFile(file, Buffer.alloc(50_000, 2));
        return local.get(k);
      },
      put: () => Promise.reject(new Error('not used')),
      delete: (k: string) => local.delete(k),
      exists: (k: string) => local.exists(k),
    };
    const report = await migrateFilesToDatabase(flaky, await DatabaseFileStore.open(database.db));
    expect(report.copied).toBe(0);
    expect(report.failed).toEqual([
      { key, problem: expect.stringMatching(/do not hash to the sha256/) as string },
    ]);
    expect(await database.db.selectFrom('file_objects').select('key').execute()).toEqual([]);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
