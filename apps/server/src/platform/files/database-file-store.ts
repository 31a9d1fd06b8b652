import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { chunksOf, destroySource } from './file-source.js';
import { fileTooLarge } from './upload-errors.js';
import {
  assertFileKey,
  fileNotFound,
  type FileSource,
  type FileStore,
  type ListedObject,
  type StoredObject,
} from './file-store.js';

/** Bytes per row: large enough that a 10 MB photo is 40 round trips, small enough to stream. */
export const CHUNK_BYTES = 256 * 1024;

/**
 * An unfinished put older than this at open was left by a crashed process. Attachments are read
 * into memory and inspected before their put (ATTACHMENT_MAX_BYTES), so a live put takes seconds;
 * two hours also outlasts the longest upload budget (UPLOAD_TIMEOUT_MS, at most one hour).
 */
const STALE_PUT_MS = 2 * 60 * 60 * 1000;

/** An import whose bytes are not the ones hashed before it (operator tooling only, never HTTP). */
export class FileChecksumMismatch extends Error {
  constructor(readonly key: string) {
    super(`file ${key}: the bytes read do not hash to the sha256 taken before the copy`);
  }
}

export interface DatabaseFileStoreOptions {
  /** Bytes per chunk row; tests make it small to exercise many chunks cheaply. */
  chunkBytes?: number;
  /** Objects per page of `list`. */
  listPage?: number;
}

/**
 * Attachments in the database itself (FILE_STORE=database, ADR 0040), so every process of a
 * cluster reads what any one of them stored, and a database backup holds them. An object is a
 * `file_objects` row and its bytes are `file_chunks` rows.
 *
 * A put never holds a transaction open while its source is read (on PGlite a transaction holds
 * the only connection, on PostgreSQL a pool slot, for as long as a slow client sends): it
 * inserts an unfinished row, writes each chunk in its own statement, and then completes the row
 * with one UPDATE, the moment the object becomes readable. A failed put deletes its row (the
 * chunks go with it by the cascade); one cut off by a crash is removed at the next open.
 */
export class DatabaseFileStore implements FileStore {
  private readonly chunkBytes: number;
  private readonly listPage: number;

  private constructor(
    private readonly db: Kysely<DB>,
    opts: DatabaseFileStoreOptions,
  ) {
    this.chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    this.listPage = opts.listPage ?? 500;
  }

  /** Checks the tables are there (a clear error instead of a failed upload) and sweeps dead puts. */
  static async open(db: Kysely<DB>, opts: DatabaseFileStoreOptions = {}): Promise<DatabaseFileStore> {
    const store = new DatabaseFileStore(db, opts);
    try {
      await sql`SELECT 1 FROM file_objects LIMIT 0`.execute(db);
    } catch (e) {
      throw new Error(
        `FILE_STORE=database: the table file_objects is missing (${(e as Error).message}); ` +
          'run the migrations (civitas migrate)',
      );
    }
    await store.sweepUnfinished(STALE_PUT_MS);
    return store;
  }

  put(source: FileSource, opts: { maxBytes?: number } = {}): Promise<StoredObject> {
    return this.write(randomBytes(16).toString('hex'), source, opts);
  }

  /**
   * Stores `source` under a key another store minted, for `civitas files migrate` only: the
   * object completes only when its bytes hash to `sha256`, so a file changed or damaged since it
   * was hashed leaves nothing behind. A finished object under `key` is never replaced.
   */
  async importWithKey(key: string, source: FileSource, sha256: string): Promise<StoredObject> {
    assertFileKey(key);
    // An unfinished row under this key is an earlier run of the migration that was cut off.
    await this.db
      .deleteFrom('file_objects')
      .where('key', '=', key)
      .where('completed_at', 'is', null)
      .execute();
    return this.write(key, source, { expectedSha256: sha256 });
  }

  /** Size and hash of a finished object, or null. */
  async describe(key: string): Promise<{ size: number; sha256: string } | null> {
    assertFileKey(key);
    const row = await this.db
      .selectFrom('file_objects')
      .select(['size', 'sha256'])
      .where('key', '=', key)
      .where('completed_at', 'is not', null)
      .executeTakeFirst();
    return row ? { size: row.size!, sha256: row.sha256! } : null;
  }

  private async write(
    key: string,
    source: FileSource,
    opts: { maxBytes?: number; expectedSha256?: string },
  ): Promise<StoredObject> {
    await this.db.insertInto('file_objects').values({ key }).execute();
    try {
      const hash = createHash('sha256');
      let size = 0;
      let seq = 0;
      const buffer = Buffer.allocUnsafe(this.chunkBytes);
      let filled = 0;
      const flush = async () => {
        if (filled === 0) return;
        // Awaited before the buffer is refilled, so the driver has sent these bytes by then.
        await this.db
          .insertInto('file_chunks')
          .values({ key, seq: seq++, data: buffer.subarray(0, filled) })
          .execute();
        filled = 0;
      };
      for await (const chunk of chunksOf(source)) {
        size += chunk.byteLength;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          destroySource(source);
          throw fileTooLarge(opts.maxBytes);
        }
        hash.update(chunk);
        for (let at = 0; at < chunk.byteLength;) {
          const n = Math.min(this.chunkBytes - filled, chunk.byteLength - at);
          buffer.set(chunk.subarray(at, at + n), filled);
          filled += n;
          at += n;
          if (filled === this.chunkBytes) await flush();
        }
      }
      await flush();
      const sha256 = hash.digest('hex');
      if (opts.expectedSha256 !== undefined && sha256 !== opts.expectedSha256)
        throw new FileChecksumMismatch(key);
      const completed = await this.db
        .updateTable('file_objects')
        .set({ size, sha256, chunk_count: seq, completed_at: sql<Date>`now()` })
        .where('key', '=', key)
        .where('completed_at', 'is', null)
        .executeTakeFirst();
      // Swept as stale meanwhile: then its chunks are gone and the object must not be reported.
      if (completed.numUpdatedRows !== 1n) throw new Error(`File ${key}: the unfinished write was removed.`);
      return { key, size, sha256 };
    } catch (e) {
      await this.db
        .deleteFrom('file_objects')
        .where('key', '=', key)
        .where('completed_at', 'is', null)
        .execute()
        .catch(() => undefined);
      throw e;
    }
  }

  async get(key: string): Promise<Readable> {
    assertFileKey(key);
    const row = await this.db
      .selectFrom('file_objects')
      .select('chunk_count')
      .where('key', '=', key)
      .where('completed_at', 'is not', null)
      .executeTakeFirst();
    if (!row) throw fileNotFound();
    const db = this.db;
    const count = row.chunk_count!;
    // One chunk per query, fetched when the reader asks for more: memory stays at one chunk.
    // Objects are immutable, so separate statements read one consistent object unless it is
    // deleted meanwhile, which ends the stream with file_not_found.
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let seq = 0; seq < count; seq++) {
        const chunk = await db
          .selectFrom('file_chunks')
          .select('data')
          .where('key', '=', key)
          .where('seq', '=', seq)
          .executeTakeFirst();
        if (!chunk) throw fileNotFound();
        yield Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  async delete(key: string): Promise<boolean> {
    assertFileKey(key);
    const r = await this.db
      .deleteFrom('file_objects')
      .where('key', '=', key)
      .where('completed_at', 'is not', null)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.describe(key)) !== null;
  }

  /** Pages through finished objects in key order (the primary key's index), one page in memory. */
  async *list(): AsyncIterable<ListedObject> {
    let after = '';
    for (;;) {
      const page = await this.db
        .selectFrom('file_objects')
        .select(['key', 'size', 'completed_at'])
        .where('completed_at', 'is not', null)
        .where('key', '>', after)
        .orderBy('key')
        .limit(this.listPage)
        .execute();
      for (const row of page) yield { key: row.key, size: row.size!, modifiedAt: row.completed_at! };
      const last = page.at(-1);
      if (!last || page.length < this.listPage) return;
      after = last.key;
    }
  }

  /** Removes puts unfinished for longer than `olderThanMs` (by the database clock); returns how many. */
  async sweepUnfinished(olderThanMs: number): Promise<number> {
    const r = await this.db
      .deleteFrom('file_objects')
      .where('completed_at', 'is', null)
      .where('started_at', '<', sql<Date>`now() - ${olderThanMs} * interval '1 millisecond'`)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
