import type { Readable } from 'node:stream';
import type { FileSource, FileStore, ListedObject, StoredObject } from './file-store.js';

/**
 * A store opened on first use. The composition root is synchronous and most processes (the
 * ingest role, the CLI) never touch attachments, so the directory is created and swept only when
 * a file is first stored or read. A failed open is retried on the next call.
 */
export class LazyFileStore implements FileStore {
  private opening: Promise<FileStore> | undefined;

  constructor(private readonly open: () => Promise<FileStore>) {}

  private store(): Promise<FileStore> {
    this.opening ??= this.open().catch((e: unknown) => {
      this.opening = undefined;
      throw e;
    });
    return this.opening;
  }

  async put(source: FileSource, opts?: { maxBytes?: number }): Promise<StoredObject> {
    return (await this.store()).put(source, opts);
  }

  async get(key: string): Promise<Readable> {
    return (await this.store()).get(key);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.store()).delete(key);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.store()).exists(key);
  }

  async *list(): AsyncIterable<ListedObject> {
    yield* (await this.store()).list();
  }
}
