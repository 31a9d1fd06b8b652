import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { chunksOf, destroySource } from './file-source.js';
import { fileTooLarge } from './upload-errors.js';
import {
  assertFileKey,
  fileNotFound,
  isFileKey,
  type FileSource,
  type FileStore,
  type ListedObject,
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

  /**
   * Walks `ab/cd/<key>` folder by folder, so memory stays at one folder's listing (at most 65,536
   * names by the sharding). Only names that are keys stored where their key says count: the temp
   * folder, stray files and misplaced keys are not objects of this store.
   */
  async *list(): AsyncIterable<ListedObject> {
    for (const first of await hexFolders(this.root)) {
      const firstDir = path.join(this.root, first);
      for (const second of await hexFolders(firstDir)) {
        const dir = path.join(firstDir, second);
        for (const name of await readdirOrEmpty(dir)) {
          if (!isFileKey(name) || name.slice(0, 2) !== first || name.slice(2, 4) !== second) continue;
          const stat = await fs.stat(path.join(dir, name)).catch(() => null);
          // Gone since the readdir (deleted meanwhile), or not a plain file: not an object.
          if (!stat?.isFile()) continue;
          yield { key: name, size: stat.size, modifiedAt: stat.mtime };
        }
      }
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

const SHARD = /^[0-9a-f]{2}$/;

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
}

/** The two-hex-digit shard folders in `dir`, sorted so a walk is repeatable. */
async function hexFolders(dir: string): Promise<string[]> {
  return (await readdirOrEmpty(dir)).filter((name) => SHARD.test(name)).sort();
}

function isNotFound(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}
