import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { sql } from 'kysely';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test-support/test-database.js';
import { CHUNK_BYTES, DatabaseFileStore, FileChecksumMismatch } from './database-file-store.js';
import { fileStoreContract } from './file-store.contract.js';
import { openFileStore } from './open-file-store.js';
import { ORPHAN_GRACE_MS, OrphanFileSweep } from './orphan-file-sweep.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function emptyTables(): Promise<void> {
  await sql`TRUNCATE file_chunks, file_objects`.execute(database.db);
}

/** Every row under the store, unfinished ones included: what a failed write must not leave. */
async function rows(): Promise<string[]> {
  const objects = await database.db.selectFrom('file_objects').select(['key', 'completed_at']).execute();
  const chunks = await database.db.selectFrom('file_chunks').select(['key', 'seq']).execute();
  return [
    ...objects.map((o) => `object ${o.key}${o.completed_at ? '' : ' (unfinished)'}`),
    ...chunks.map((c) => `chunk ${c.key}/${c.seq}`),
  ];
}

// Small pages so the contract's listing crosses several; default chunks so sizes are realistic.
fileStoreContract('DatabaseFileStore', async () => {
  await emptyTables();
  return { store: await DatabaseFileStore.open(database.db, { listPage: 3 }), residue: rows };
});

describe('DatabaseFileStore', () => {
  it('keeps an object as fixed-size chunk rows and reads it back in order', async () => {
    await emptyTables();
    const store = await DatabaseFileStore.open(database.db);
    const content = Buffer.alloc(CHUNK_BYTES * 2 + 123);
    for (let i = 0; i < content.length; i++) content[i] = (i * 7) & 0xff;
    const { key } = await store.put(Readable.from([content.subarray(0, 5), content.subarray(5)]));
    const chunks = await database.db
      .selectFrom('file_chunks')
      .select(['seq', sql<number>`length(data)`.as('bytes')])
      .where('key', '=', key)
      .orderBy('seq')
      .execute();
    expect(chunks).toEqual([
      { seq: 0, bytes: CHUNK_BYTES },
      { seq: 1, bytes: CHUNK_BYTES },
      { seq: 2, bytes: 123 },
    ]);
    expect((await buffer(await store.get(key))).equals(content)).toBe(true);
  });

  it('removes unfinished writes a crashed process left, when opened, and keeps finished ones', async () => {
    await emptyTables();
    const store = await DatabaseFileStore.open(database.db);
    const kept = await store.put(Buffer.from('kept'));
    const crashed = 'c'.repeat(32);
    const running = 'd'.repeat(32);
    await database.db
      .insertInto('file_objects')
      .values([
        { key: crashed, started_at: new Date(Date.now() - 3 * 60 * 60 * 1000) },
        { key: running, started_at: new Date() },
      ])
      .execute();
    await database.db
      .insertInto('file_chunks')
      .values({ key: crashed, seq: 0, data: Buffer.from('partial') })
      .execute();
    await DatabaseFileStore.open(database.db);
    expect((await rows()).sort()).toEqual(
      [`chunk ${kept.key}/0`, `object ${kept.key}`, `object ${running} (unfinished)`].sort(),
    );
    expect(await store.exists(running)).toBe(false);
  });

  it('ends a read with file_not_found when the object is deleted while it streams', async () => {
    await emptyTables();
    const store = await DatabaseFileStore.open(database.db, { chunkBytes: 1024 });
    const { key } = await store.put(Buffer.alloc(10 * 1024, 3));
    const stream = await store.get(key);
    const first = (await stream[Symbol.asyncIterator]().next()).value as Buffer;
    expect(first.length).toBe(1024);
    await store.delete(key);
    await expect(buffer(stream)).rejects.toMatchObject({ code: 'file_not_found' });
  });

  describe('importWithKey (civitas files migrate)', () => {
    const key = 'ab'.repeat(16);

    it('stores the bytes under the given key when they hash as expected', async () => {
      await emptyTables();
      const store = await DatabaseFileStore.open(database.db, { chunkBytes: 4096 });
      const content = Buffer.alloc(10_000, 9);
      expect(await store.importWithKey(key, Readable.from([content]), sha(content))).toEqual({
        key,
        size: 10_000,
        sha256: sha(content),
      });
      expect((await buffer(await store.get(key))).equals(content)).toBe(true);
      expect(await store.describe(key)).toEqual({ size: 10_000, sha256: sha(content) });
    });

    it('refuses bytes that do not match the hash and leaves nothing', async () => {
      await emptyTables();
      const store = await DatabaseFileStore.open(database.db, { chunkBytes: 4096 });
      const err = await store
        .importWithKey(key, Buffer.alloc(10_000, 1), sha(Buffer.alloc(10_000, 2)))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FileChecksumMismatch);
      expect(await rows()).toEqual([]);
    });

    it('never replaces a finished object, and resumes over an unfinished one', async () => {
      await emptyTables();
      const store = await DatabaseFileStore.open(database.db);
      await store.importWithKey(key, Buffer.from('first'), sha('first'));
      await expect(store.importWithKey(key, Buffer.from('second'), sha('second'))).rejects.toThrow();
      expect((await buffer(await store.get(key))).toString()).toBe('first');

      const other = 'cd'.repeat(16);
      await database.db.insertInto('file_objects').values({ key: other }).execute();
      await database.db
        .insertInto('file_chunks')
        .values({ key: other, seq: 0, data: Buffer.from('cut off') })
        .execute();
      await store.importWithKey(other, Buffer.from('whole'), sha('whole'));
      expect((await buffer(await store.get(other))).toString()).toBe('whole');
    });

    it('refuses a malformed key', async () => {
      const store = await DatabaseFileStore.open(database.db);
      await expect(store.importWithKey('../x', Buffer.from('x'), sha('x'))).rejects.toMatchObject({
        code: 'file_key_invalid',
      });
    });
  });

  it('is swept of orphans page by page through list and delete, keeping referenced and young ones', async () => {
    await emptyTables();
    const store = await DatabaseFileStore.open(database.db, { listPage: 2 });
    const objects = [];
    for (let i = 0; i < 7; i++) objects.push(await store.put(Buffer.from(`object ${i}`)));
    const young = objects[6]!.key;
    await database.db
      .updateTable('file_objects')
      .set({ completed_at: new Date(Date.now() - 2 * ORPHAN_GRACE_MS) })
      .where('key', '!=', young)
      .execute();
    const referenced = new Set([objects[1]!.key, objects[4]!.key]);
    const sweep = new OrphanFileSweep(
      store,
      [{ referenced: async (keys) => new Set(keys.filter((k) => referenced.has(k))) }],
      pino({ level: 'silent' }),
      { batch: 2 },
    );
    expect(await sweep.run()).toEqual({ scanned: 7, removed: 4 });
    const left = await database.db.selectFrom('file_objects').select('key').orderBy('key').execute();
    expect(left.map((r) => r.key)).toEqual([...referenced, young].sort());
    expect(await database.db.selectFrom('file_chunks').select('key').execute()).toHaveLength(3);
  });

  it('is what FILE_STORE=database opens', async () => {
    await emptyTables();
    const opened = await openFileStore({ FILE_STORE: 'database', dataDir: '/nonexistent' }, database.db);
    const { key } = await opened.put(Buffer.from('via config'));
    expect(await rows()).toEqual([`object ${key}`, `chunk ${key}/0`]);
  });
});
