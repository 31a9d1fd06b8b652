import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStoreContract } from './file-store.contract.js';
import { LocalFileStore } from './local-file-store.js';
import { openFileStore } from './open-file-store.js';

let root: string;
let store: LocalFileStore;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'civitas-files-'));
  store = await LocalFileStore.open(root);
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** Every file under the store's root, relative, temp folder included. */
async function filesOnDisk(): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

fileStoreContract('LocalFileStore', async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'civitas-files-'));
  roots.push(root);
  return {
    store: await LocalFileStore.open(root),
    residue: async () => {
      const entries = await fs.readdir(root, { recursive: true, withFileTypes: true });
      return entries
        .filter((e) => e.isFile())
        .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
    },
  };
});
const roots: string[] = [];
afterAll(async () => {
  for (const r of roots) await fs.rm(r, { recursive: true, force: true });
});

describe('LocalFileStore', () => {
  it('stores a buffer and a stream under sharded paths and reads them back', async () => {
    const a = await store.put(Buffer.from('hello'));
    const b = await store.put(Readable.from([Buffer.from('hel'), Buffer.from('lo world')]));
    expect(a).toEqual({ key: expect.stringMatching(/^[0-9a-f]{32}$/), size: 5, sha256: sha('hello') });
    expect(b.size).toBe(11);
    expect(b.sha256).toBe(sha('hello world'));
    expect(await text(await store.get(a.key))).toBe('hello');
    expect(await text(await store.get(b.key))).toBe('hello world');
    expect((await filesOnDisk()).sort()).toEqual(
      [a.key, b.key].map((k) => path.join(k.slice(0, 2), k.slice(2, 4), k)).sort(),
    );
  });

  it('writes files readable by the owner only', async () => {
    const { key } = await store.put(Buffer.from('x'));
    const stat = await fs.stat(path.join(root, key.slice(0, 2), key.slice(2, 4), key));
    expect(stat.mode & 0o077).toBe(0);
  });

  it('sweeps stale temp files left by a crash when opened', async () => {
    const stale = path.join(root, 'tmp', 'crashed.part');
    const fresh = path.join(root, 'tmp', 'running.part');
    await fs.writeFile(stale, 'x');
    await fs.writeFile(fresh, 'y');
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await fs.utimes(stale, old, old);
    await LocalFileStore.open(root);
    expect((await filesOnDisk()).sort()).toEqual([path.join('tmp', 'running.part')]);
  });

  it('lists every stored object with its size and time, and nothing else under the root', async () => {
    const a = await store.put(Buffer.from('one'));
    const b = await store.put(Buffer.from('three'));
    const gone = await store.put(Buffer.from('deleted'));
    await store.delete(gone.key);
    // Not objects: a write in progress, a stray file, and a key filed under the wrong shard.
    await fs.writeFile(path.join(root, 'tmp', `${'e'.repeat(32)}.part`), 'partial');
    await fs.writeFile(path.join(root, a.key.slice(0, 2), 'notes.txt'), 'stray');
    const misplaced = `${b.key.slice(0, 2) === 'ff' ? 'ee' : 'ff'}${b.key.slice(2)}`;
    await fs.writeFile(path.join(root, b.key.slice(0, 2), b.key.slice(2, 4), misplaced), 'x');
    const old = new Date('2026-01-02T03:04:05Z');
    await fs.utimes(path.join(root, a.key.slice(0, 2), a.key.slice(2, 4), a.key), old, old);

    const listed = [];
    for await (const o of store.list()) listed.push(o);
    expect(listed.sort((x, y) => x.key.localeCompare(y.key))).toEqual(
      [
        { key: a.key, size: 3, modifiedAt: old },
        { key: b.key, size: 5, modifiedAt: expect.any(Date) as Date },
      ].sort((x, y) => x.key.localeCompare(y.key)),
    );
  });

  it('is what FILE_STORE=local opens, under DATA_DIR/files', async () => {
    const opened = await openFileStore({ FILE_STORE: 'local', dataDir: root });
    const { key } = await opened.put(Buffer.from('via config'));
    expect(await fs.readFile(path.join(root, 'files', key.slice(0, 2), key.slice(2, 4), key), 'utf8')).toBe(
      'via config',
    );
  });
});
