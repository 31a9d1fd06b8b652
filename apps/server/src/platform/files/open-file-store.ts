import path from 'node:path';
import type { Config } from '../../config.js';
import type { FileStore } from './file-store.js';
import { LocalFileStore } from './local-file-store.js';

/** Picks the attachment store named by `FILE_STORE`. New kinds (S3) add a case here. */
export async function openFileStore(config: Pick<Config, 'FILE_STORE' | 'dataDir'>): Promise<FileStore> {
  switch (config.FILE_STORE) {
    case 'local':
      return LocalFileStore.open(path.join(config.dataDir, 'files'));
  }
}
