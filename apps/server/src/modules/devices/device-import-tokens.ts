import type { Kysely } from 'kysely';
import type { Actor } from '../../platform/auth/actor.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import { AppError, notFound } from '../../platform/errors/errors.js';

const AAD = 'device_import_tokens.token';
/** How long minted tokens wait for the importer to fetch them (ADR 0041). */
export const IMPORT_TOKEN_TTL_MS = 60 * 60_000;

/**
 * The tokens a device CSV import minted, handed out once (ADR 0041). They are sealed with the field
 * cipher while they wait; the one fetch by the user who ran the import deletes them in the same
 * statement, and a periodic sweep deletes those nobody fetched within the hour. They are never logged
 * and never kept in clear; a lost report means rotating the devices' tokens.
 */
export class DeviceImportTokens {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
  ) {}

  async keep(jobId: string, userId: string, tokens: { code: string; token: string }[]): Promise<void> {
    if (tokens.length === 0) return;
    const expires = new Date(Date.now() + IMPORT_TOKEN_TTL_MS);
    for (let i = 0; i < tokens.length; i += 500) {
      await this.db
        .insertInto('device_import_tokens')
        .values(
          tokens.slice(i, i + 500).map((t) => ({
            job_id: jobId,
            device_code: t.code,
            token_sealed: this.cipher.encrypt(t.token, `${AAD}:${jobId}`),
            user_id: userId,
            expires_at: expires,
          })),
        )
        .execute();
    }
  }

  /** The tokens of a finished import of `actor`'s, once: the rows are deleted as they are read. */
  async take(actor: Actor, jobId: string): Promise<{ code: string; token: string }[]> {
    const job = await this.db
      .selectFrom('import_jobs')
      .select(['created_by', 'status', 'kind'])
      .where('id', '=', jobId)
      .executeTakeFirst();
    // Another user's import does not exist for this one.
    if (!job || job.created_by !== actor.userId || job.kind !== 'devices') throw notFound('Import job');
    const rows = await this.db
      .deleteFrom('device_import_tokens')
      .where('job_id', '=', jobId)
      .where('user_id', '=', actor.userId)
      .where('expires_at', '>', new Date())
      .returning(['device_code', 'token_sealed'])
      .execute();
    if (rows.length === 0)
      throw new AppError(
        410,
        'import_tokens_gone',
        'The tokens of this import were already fetched, have expired, or none were minted.',
      );
    return rows
      .map((r) => ({ code: r.device_code, token: this.cipher.decrypt(r.token_sealed, `${AAD}:${jobId}`) }))
      .sort((a, b) => a.code.localeCompare(b.code));
  }

  async sweep(): Promise<void> {
    await this.db.deleteFrom('device_import_tokens').where('expires_at', '<=', new Date()).execute();
  }
}
