import type { Readable } from 'node:stream';
import { AppError } from '../errors/errors.js';

/** What a store reports about a file it has written. */
export interface StoredObject {
  /** Opaque key minted by the store; persist it, never derive it from user input. */
  key: string;
  size: number;
  /** Lowercase hex SHA-256 of the exact bytes stored. */
  sha256: string;
}

/** One stored object as a listing reports it; what an orphan sweep needs to decide. */
export interface ListedObject {
  key: string;
  size: number;
  /** When the object was written (objects are immutable, so also when it was last changed). */
  modifiedAt: Date;
}

export type FileSource = Readable | AsyncIterable<Uint8Array> | Uint8Array;

/**
 * Where attachment bytes live. The contract every implementation keeps (local disk, chunked rows
 * in the database for a cluster (ADR 0040), an S3-compatible bucket perhaps later), checked for
 * each by the shared suite in `file-store.contract.ts`:
 *
 * - **Keys are minted by the store**, never chosen by callers: 32 lowercase hex characters
 *   (128 random bits). They map one-to-one to an object name or a path, so a key can be stored in
 *   the database and moved between stores. Any other string is refused with `file_key_invalid`
 *   before it reaches the disk or the network, which rules out path traversal.
 * - **Writes are atomic**: after `put` resolves the whole object is readable under its key; when
 *   `put` rejects (too large, source error, disk full) nothing is readable and no partial object
 *   is left behind. Local disk writes a temp file then renames it; the database completes the
 *   object's row with one UPDATE after its chunks; S3 would use one PutObject or abort the
 *   multipart upload.
 * - **Objects are immutable**: there is no overwrite. Equal content written twice gets two keys, so
 *   deleting one never breaks the other; callers deduplicate by `sha256` if they want to.
 * - `get` of a missing key rejects with `file_not_found` (404); `delete` is idempotent and says
 *   whether something was removed; `exists` never throws for a well-formed missing key.
 * - A store does not inspect content: type checks and metadata stripping happen before `put`
 *   (`upload-inspector.ts`).
 * - `list` yields every complete object once, in no particular order, and never a write still in
 *   progress (local temp files; S3 multipart uploads not yet completed). It streams: a store with
 *   millions of objects is walked folder by folder (local) or page by page (S3 ListObjectsV2), so
 *   callers can work in batches. An object written or deleted during the walk may or may not
 *   appear.
 */
export interface FileStore {
  put(source: FileSource, opts?: { maxBytes?: number }): Promise<StoredObject>;
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  list(): AsyncIterable<ListedObject>;
}

const KEY = /^[0-9a-f]{32}$/;

export const isFileKey = (key: string): boolean => KEY.test(key);

/** Throws unless `key` has the shape stores mint; call it before any I/O with a key. */
export function assertFileKey(key: string): void {
  if (!KEY.test(key)) throw new AppError(400, 'file_key_invalid', 'Not a valid file key.');
}

export const fileNotFound = () => new AppError(404, 'file_not_found', 'File not found.');
