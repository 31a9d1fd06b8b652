import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { DB } from '../db/schema.js';
import { DatabaseFileStore } from './database-file-store.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-file-store.js';

/** Picks the attachment store named by `FILE_STORE`. New kinds (S3) add a case here. */
export async function openFileStore(
  config: Pick<Config, 'FILE_STORE' | 'dataDir'>,
  /** Needed by `database` only. */
  db?: Kysely<DB>,
): Promise<FileStore> {
  switch (config.FILE_STORE) {
    case 'local':
      return LocalFileStore.open(path.join(config.dataDir, 'files'));
    case 'database':
      if (!db) throw new Error('FILE_STORE=database: no database to open the store in');
      return DatabaseFileStore.open(db);
  }
}

/**
 * Why a process should not keep attachments on its own disk, or null. A process serving HTTP in
 * what looks like a cluster (roles split, or an external broker) with FILE_STORE=local stores each
 * upload where only it can read it back. A warning, not a refusal: DATA_DIR/files on a shared
 * file system (NFS) is a working setup this process cannot detect (ADR 0040).
 */
export function fileStoreWarning(
  config: Pick<Config, 'FILE_STORE' | 'DATABASE_URL' | 'ROLE' | 'MQTT_URL'>,
): string | null {
  if (config.FILE_STORE !== 'local' || !config.DATABASE_URL || !config.ROLE.includes('web')) return null;
  const clustered = config.ROLE.length < 3 || config.MQTT_URL !== undefined;
  if (!clustered) return null;
  return (
    'FILE_STORE=local in a cluster: attachments uploaded here are readable only through this ' +
    'process unless DATA_DIR/files is a shared file system; set FILE_STORE=database'
  );
}
