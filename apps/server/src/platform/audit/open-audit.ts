import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { DB } from '../db/schema.js';
import { AuditCheckpointJob } from './audit-checkpoint.job.js';
import { CheckpointStore } from './audit-checkpoints.js';
import { auditKeyring } from './audit-key-archive.js';
import { deriveAuditKeys } from './audit-keys.js';
import { AuditLog } from './audit-log.js';

/** Where signed checkpoints go: AUDIT_CHECKPOINT_DIR, else DATA_DIR/audit-checkpoints. */
export function checkpointDir(config: Pick<Config, 'AUDIT_CHECKPOINT_DIR' | 'dataDir'>): string {
  return config.AUDIT_CHECKPOINT_DIR
    ? path.resolve(config.AUDIT_CHECKPOINT_DIR)
    : path.join(config.dataDir, 'audit-checkpoints');
}

/** The audit log keyed from SECRET_KEY, its checkpoint store and the job that writes checkpoints. */
export function openAudit(
  db: Kysely<DB>,
  cipher: FieldCipher,
  config: Pick<Config, 'AUDIT_CHECKPOINT_DIR' | 'dataDir'>,
  logger: Logger,
) {
  const keys = deriveAuditKeys(cipher.auditKey);
  const store = new CheckpointStore(checkpointDir(config), keys.checkpoint);
  const audit = new AuditLog(db, keys, store, () => auditKeyring(db, cipher));
  return { audit, auditCheckpoints: new AuditCheckpointJob(audit, store, logger.child({ area: 'audit' })) };
}
