import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import type { Logger } from '../../platform/logging/logger.js';
import { AAD, nameIndex } from './resident-sealing.js';
import type { ResidentsRepository } from './residents.repository.js';

/**
 * Fills `residents.name_index` for rows written before migration 0029 (ADR 0045). SQL cannot
 * compute a keyed digest, so the server does it: one transaction per batch, rows locked and
 * skipped when another process holds them, so two processes share the work. It is resumable by
 * construction: a run takes whatever rows are still NULL, so a killed run loses at most its
 * uncommitted batch. Rows written since the migration carry their index already; once none is
 * left a run is one index probe of an empty partial index.
 */
export class NameIndexBackfill {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: ResidentsRepository,
    private readonly cipher: FieldCipher,
    private readonly logger: Logger,
    private readonly batchSize = 500,
  ) {}

  /** Indexes every resident still without a name index; returns how many it indexed. */
  async run(signal?: AbortSignal): Promise<number> {
    let total = 0;
    for (;;) {
      if (signal?.aborted) break;
      const n = await this.db.transaction().execute(async (trx) => {
        const rows = await this.repo.namesToIndex(trx, this.batchSize);
        for (const r of rows)
          await this.repo.setNameIndex(
            trx,
            r.id,
            nameIndex(this.cipher, this.cipher.decrypt(r.name_enc, AAD.name)),
          );
        return rows.length;
      });
      total += n;
      if (n < this.batchSize) break;
    }
    if (total > 0) this.logger.info({ indexed: total }, 'resident names indexed for name search');
    return total;
  }
}
