import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/errors.js';
import type { FileStore, ListedObject } from './file-store.js';

/** A store under test, fresh (empty) for each test, and a look beneath its contract. */
export interface ContractSubject {
  store: FileStore;
  /**
   * Everything the store keeps below its contract (files on disk, temp files included; rows,
   * unfinished ones included), so a failed write can be shown to leave nothing behind.
   */
  residue(): Promise<string[]>;
}

const KEY = /^[0-9a-f]{32}$/;
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

async function listAll(store: FileStore): Promise<ListedObject[]> {
  const listed: ListedObject[] = [];
  for await (const o of store.list()) listed.push(o);
  return listed.sort((x, y) => x.key.localeCompare(y.key));
}

/**
 * The FileStore contract (file-store.ts), run against every implementation: local disk in the
 * unit project, the database store on PGlite and PostgreSQL. `fresh` returns an empty store.
 */
export function fileStoreContract(name: string, fresh: () => Promise<ContractSubject>): void {
  describe(`${name} keeps the FileStore contract`, () => {
    let subject: ContractSubject;
    let store: FileStore;
    beforeEach(async () => {
      subject = await fresh();
      store = subject.store;
    });

    it('stores a buffer and a stream under minted keys and reads them back', async () => {
      const a = await store.put(Buffer.from('hello'));
      const b = await store.put(Readable.from([Buffer.from('hel'), Buffer.from('lo world')]));
      expect(a).toEqual({ key: expect.stringMatching(KEY) as string, size: 5, sha256: sha('hello') });
      expect(b).toEqual({
        key: expect.stringMatching(KEY) as string,
        size: 11,
        sha256: sha('hello world'),
      });
      expect(a.key).not.toBe(b.key);
      expect(await text(await store.get(a.key))).toBe('hello');
      expect(await text(await store.get(b.key))).toBe('hello world');
    });

    it('stores an empty object', async () => {
      const e = await store.put(Buffer.alloc(0));
      expect(e.size).toBe(0);
      expect((await buffer(await store.get(e.key))).length).toBe(0);
    });

    it('streams a large object back in pieces instead of one buffer', async () => {
      const content = Buffer.alloc(1_500_000);
      for (let i = 0; i < content.length; i++) content[i] = (i * 31 + (i >> 9)) & 0xff;
      const { key, size, sha256 } = await store.put(
        Readable.from([content.subarray(0, 70_000), content.subarray(70_000)]),
      );
      expect(size).toBe(content.length);
      expect(sha256).toBe(sha(content));
      const pieces: Buffer[] = [];
      for await (const piece of await store.get(key)) pieces.push(piece as Buffer);
      expect(pieces.length).toBeGreaterThan(2);
      expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(512 * 1024);
      expect(Buffer.concat(pieces).equals(content)).toBe(true);
    });

    it('deletes idempotently and reports existence', async () => {
      const { key } = await store.put(Buffer.from('bye'));
      expect(await store.exists(key)).toBe(true);
      expect(await store.delete(key)).toBe(true);
      expect(await store.delete(key)).toBe(false);
      expect(await store.exists(key)).toBe(false);
      await expect(store.get(key)).rejects.toMatchObject({ status: 404, code: 'file_not_found' });
      expect(await subject.residue()).toEqual([]);
    });

    it('answers a well-formed key it never minted with not found', async () => {
      const never = '0123456789abcdef0123456789abcdef';
      expect(await store.exists(never)).toBe(false);
      expect(await store.delete(never)).toBe(false);
      await expect(store.get(never)).rejects.toMatchObject({ status: 404, code: 'file_not_found' });
    });

    it.each([
      '../../etc/passwd',
      '..%2f..%2fsecret',
      '/etc/passwd',
      'aa/bb/aabbccddeeff00112233445566778899',
      'AABBCCDDEEFF00112233445566778899',
      '',
      'aabbccddeeff0011223344556677889\0',
      'aabbccddeeff00112233445566778899/../../x',
      "aabbccddeeff0011223344556677889' OR '1'='1",
    ])('refuses the key %j before any I/O', async (key) => {
      for (const op of [() => store.get(key), () => store.exists(key), () => store.delete(key)]) {
        const err = await op().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ status: 400, code: 'file_key_invalid' });
      }
    });

    it('refuses a stream past maxBytes while reading it, and leaves nothing behind', async () => {
      let produced = 0;
      const endless = new Readable({
        read() {
          produced += 64 * 1024;
          this.push(Buffer.alloc(64 * 1024, 7));
        },
      });
      // Past several chunks, so a store that writes as it reads has written some before refusing.
      await expect(store.put(endless, { maxBytes: 700_000 })).rejects.toMatchObject({
        status: 413,
        code: 'file_too_large',
      });
      expect(endless.destroyed).toBe(true);
      expect(produced).toBeLessThan(2_000_000); // it stopped reading, it did not drain the source
      expect(await subject.residue()).toEqual([]);
      expect(await listAll(store)).toEqual([]);
    });

    it('accepts an object of exactly maxBytes', async () => {
      const r = await store.put(Readable.from([Buffer.alloc(600), Buffer.alloc(424)]), { maxBytes: 1024 });
      expect(r.size).toBe(1024);
    });

    it('leaves nothing behind when the source fails half way', async () => {
      async function* failing() {
        for (let i = 0; i < 12; i++) yield Buffer.alloc(100_000, i);
        throw new Error('connection reset');
      }
      await expect(store.put(failing())).rejects.toThrow('connection reset');
      expect(await subject.residue()).toEqual([]);
      expect(await listAll(store)).toEqual([]);
    });

    it('neither reads nor lists an object whose write is still running', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* slow() {
        yield Buffer.alloc(400_000, 1);
        await gate;
        yield Buffer.from('end');
      }
      const before = await store.put(Buffer.from('done'));
      const writing = store.put(slow());
      await new Promise((r) => setTimeout(r, 100));
      expect((await listAll(store)).map((o) => o.key)).toEqual([before.key]);
      release();
      const after = await writing;
      expect((await listAll(store)).map((o) => o.key).sort()).toEqual([before.key, after.key].sort());
      expect((await buffer(await store.get(after.key))).length).toBe(400_003);
    });

    it('gives concurrent writes of the same content their own complete objects', async () => {
      const content = Buffer.alloc(300 * 1024, 'civitas');
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          store.put(Readable.from([content.subarray(0, 1000), content.subarray(1000)])),
        ),
      );
      expect(new Set(results.map((r) => r.key)).size).toBe(12);
      expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha(content)]));
      for (const r of results) expect((await buffer(await store.get(r.key))).equals(content)).toBe(true);
      await store.delete(results[0]!.key);
      expect(await store.exists(results[1]!.key)).toBe(true); // deleting one copy never breaks another
    });

    it('lists every stored object once with its size and time, across pages', async () => {
      const start = Date.now();
      const stored = [];
      for (let i = 0; i < 8; i++) stored.push(await store.put(Buffer.alloc(i + 1, i)));
      const gone = await store.put(Buffer.from('deleted'));
      await store.delete(gone.key);
      const listed = await listAll(store);
      expect(listed.map(({ key, size }) => ({ key, size }))).toEqual(
        stored.map(({ key, size }) => ({ key, size })).sort((x, y) => x.key.localeCompare(y.key)),
      );
      for (const o of listed) {
        expect(o.modifiedAt).toBeInstanceOf(Date);
        expect(Math.abs(o.modifiedAt.getTime() - start)).toBeLessThan(60_000);
      }
    });

    it('lists nothing for an empty store', async () => {
      expect(await listAll(store)).toEqual([]);
    });
  });
}
