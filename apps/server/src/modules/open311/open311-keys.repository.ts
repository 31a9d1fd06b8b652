import type { Kysely, Transaction } from 'kysely';
import type { Open311DB } from './open311.tables.js';

/** The only SQL over open311_api_keys. */
export class Open311KeysRepository {
  constructor(private readonly db: Kysely<Open311DB>) {}

  private withUnit() {
    return this.db
      .selectFrom('open311_api_keys as k')
      .innerJoin('org_units as u', 'u.id', 'k.org_unit_id')
      .select([
        'k.id',
        'k.name',
        'k.prefix',
        'k.org_unit_id',
        'k.created_at',
        'k.last_used_at',
        'k.revoked_at',
        'u.path as unit_path',
        'u.code as unit_code',
        'u.name_zh as unit_name_zh',
        'u.name_en as unit_name_en',
      ]);
  }

  async insert(
    trx: Transaction<Open311DB>,
    k: { name: string; prefix: string; keyHash: string; orgUnitId: string; createdBy: string },
  ): Promise<string> {
    const row = await trx
      .insertInto('open311_api_keys')
      .values({
        name: k.name,
        prefix: k.prefix,
        key_hash: k.keyHash,
        org_unit_id: k.orgUnitId,
        created_by: k.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  find(id: string) {
    return this.withUnit().where('k.id', '=', id).executeTakeFirst();
  }

  /** A usable key: known hash, not revoked. */
  findActiveByHash(hash: string) {
    return this.withUnit()
      .where('k.key_hash', '=', hash)
      .where('k.revoked_at', 'is', null)
      .executeTakeFirst();
  }

  /** Keys whose unit lies under one of the paths (an administrator's configure scope). */
  list(paths: string[]) {
    if (paths.length === 0) return Promise.resolve([]);
    return this.withUnit()
      .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))))
      .orderBy('k.created_at', 'desc')
      .orderBy('k.id')
      .execute();
  }

  async revoke(trx: Transaction<Open311DB>, id: string, by: string, at: Date): Promise<boolean> {
    const r = await trx
      .updateTable('open311_api_keys')
      .set({ revoked_at: at, revoked_by: by })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db.updateTable('open311_api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
  }
}

export type ApiKeyWithUnit = NonNullable<Awaited<ReturnType<Open311KeysRepository['find']>>>;
