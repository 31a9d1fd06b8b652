import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileTooLarge } from './upload-errors.js';
import {
  assertFileKey,
  fileNotFound,
  type FileSource,
  type FileStore,
  type StoredObject,
} from './file-store.js';

/** Temp files older than this at open are leftovers of a crash, never a write still running. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Files on local disk under `root` (by default `DATA_DIR/files`), at `ab/cd/abcd…` so no folder
 * grows past 65,536 entries. Writes go to `root/tmp` and are renamed into place: rename within
 * one file system is atomic, so a reader sees the whole file or none.
 */
export class LocalFileStore implements FileStore {
  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<LocalFileStore> {
    const store = new LocalFileStore(path.resolve(root));
    await fs.mkdir(store.tmpDir, { recursive: true, mode: 0o700 });
    await store.sweepTemp(STALE_TEMP_MS);
    return store;
  }

  private get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  private pathOf(key: string): string {
    assertFileKey(key);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(source: FileSource, opts: { maxBytes?: number } = {}): Promise<StoredObject> {
    const key = randomBytes(16).toString('hex');
    const temp = path.join(this.tmpDir, `${key}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      try {
        for await (const chunk of chunksOf(source)) {
          size += chunk.byteLength;
          if (opts.maxBytes !== undefined && size > opts.maxBytes) {
            destroySource(source);
            throw fileTooLarge(opts.maxBytes);
          }
          hash.update(chunk);
          await handle.write(chunk);
        }
        // Without fsync a crash after rename can leave a zero-length file under a valid key.
        await handle.sync();
      } finally {
        await handle.close();
      }
      const target = this.pathOf(key);
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      await fs.rename(temp, target);
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
    return { key, size, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<Readable> {
    const file = this.pathOf(key);
    try {
      // Opening first turns a missing file into a typed error instead of a late stream error.
      const handle = await fs.open(file, 'r');
      return handle.createReadStream();
    } catch (e) {
      if (isNotFound(e)) throw fileNotFound();
      throw e;
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      await fs.unlink(this.pathOf(key));
      return true;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(key))).isFile();
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** Removes temp files older than `olderThanMs`; returns how many. */
  async sweepTemp(olderThanMs: number): Promise<number> {
    let removed = 0;
    const cutoff = Date.now() - olderThanMs;
    for (const name of await fs.readdir(this.tmpDir)) {
      const file = path.join(this.tmpDir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat && stat.mtimeMs < cutoff) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

async function* chunksOf(source: FileSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

function destroySource(source: FileSource): void {
  const maybe = source as { destroy?: unknown };
  if (typeof maybe.destroy === 'function') (source as Readable).destroy();
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
