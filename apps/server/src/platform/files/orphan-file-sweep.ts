import type { Logger } from 'pino';
import type { FileStore, ListedObject } from './file-store.js';

/**
 * Something that keeps file keys in its rows (today only case attachments). Every module that
 * stores files must hand one to the sweep, or its files are removed as orphans after the grace.
 */
export interface FileReferences {
  /** Which of `keys` a row still points at. */
  referenced(keys: readonly string[]): Promise<ReadonlySet<string>>;
}

/**
 * Longer than any upload takes from `put` to the commit of its row: the file is written before
 * its row (ADR 0010), so a younger file without a row may be one whose transaction is running.
 */
export const ORPHAN_GRACE_MS = 60 * 60 * 1000;

export interface SweepResult {
  scanned: number;
  removed: number;
}

/**
 * Removes stored files that no row points at once they are older than the grace period: the
 * leftovers of an upload whose row never committed because the process died between the write
 * and the commit (the service deletes the file itself when the transaction merely fails), and of
 * rows deleted without their file. Works only through `FileStore.list` and `delete`, so an
 * S3-compatible store is swept the same way. Safe in several processes at once: deleting is
 * idempotent, and a file is only ever removed when no row names it.
 */
export class OrphanFileSweep {
  private running: Promise<SweepResult> | null = null;

  constructor(
    private readonly store: FileStore,
    private readonly references: readonly FileReferences[],
    private readonly log: Logger,
    private readonly opts: { graceMs?: number; batch?: number; now?: () => number } = {},
  ) {}

  /** One pass over the store; a pass already running is joined, not doubled. */
  run(): Promise<SweepResult> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<SweepResult> {
    const cutoff = (this.opts.now?.() ?? Date.now()) - (this.opts.graceMs ?? ORPHAN_GRACE_MS);
    const batchSize = this.opts.batch ?? 500;
    let scanned = 0;
    let removed = 0;
    let batch: ListedObject[] = [];
    const flush = async () => {
      removed += await this.removeUnreferenced(batch);
      batch = [];
    };
    for await (const object of this.store.list()) {
      scanned++;
      if (object.modifiedAt.getTime() >= cutoff) continue;
      batch.push(object);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    if (removed > 0) this.log.info({ scanned, removed }, 'orphan files removed');
    return { scanned, removed };
  }

  private async removeUnreferenced(objects: readonly ListedObject[]): Promise<number> {
    if (objects.length === 0) return 0;
    const keys = objects.map((o) => o.key);
    const kept = new Set<string>();
    for (const refs of this.references) for (const key of await refs.referenced(keys)) kept.add(key);
    let removed = 0;
    for (const key of keys) {
      if (kept.has(key)) continue;
      if (await this.store.delete(key)) removed++;
    }
    return removed;
  }
}
