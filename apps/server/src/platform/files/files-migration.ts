import { createHash } from 'node:crypto';
import type { DatabaseFileStore } from './database-file-store.js';
import type { FileStore } from './file-store.js';

export interface FilesMigrationReport {
  /** Objects found in the source store. */
  scanned: number;
  /** Copied by this run. */
  copied: number;
  /** Already in the database with the same bytes (an earlier run): nothing to do. */
  present: number;
  bytesCopied: number;
  /** Objects not copied, with why; the run goes on past them and they are retried next time. */
  failed: { key: string; problem: string }[];
}

async function sha256Of(store: FileStore, key: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await store.get(key)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Copies every object of `from` (the local store) into the database store under the SAME key,
 * so the attachment rows that name those keys need no change (`civitas files migrate --to
 * database`, docs/operations.md). Each file is hashed first and its copy completes only when the
 * copied bytes hash the same, so a file changed or damaged meanwhile is reported, never stored.
 * Idempotent and resumable: a key already present with the same hash is skipped, one present
 * with another hash is reported and left alone, and a copy cut off half way is redone.
 */
export async function migrateFilesToDatabase(
  from: FileStore,
  to: DatabaseFileStore,
  progress: (line: string) => void = () => undefined,
): Promise<FilesMigrationReport> {
  const report: FilesMigrationReport = { scanned: 0, copied: 0, present: 0, bytesCopied: 0, failed: [] };
  for await (const object of from.list()) {
    report.scanned++;
    try {
      const sha256 = await sha256Of(from, object.key);
      const existing = await to.describe(object.key);
      if (existing) {
        if (existing.sha256 === sha256) report.present++;
        else
          report.failed.push({ key: object.key, problem: 'in the database already, with different bytes' });
        continue;
      }
      const stored = await to.importWithKey(object.key, await from.get(object.key), sha256);
      report.copied++;
      report.bytesCopied += stored.size;
    } catch (e) {
      report.failed.push({ key: object.key, problem: (e as Error).message });
    }
    if (report.scanned % 1000 === 0)
      progress(`${report.scanned} scanned, ${report.copied} copied, ${report.failed.length} failed`);
  }
  return report;
}
