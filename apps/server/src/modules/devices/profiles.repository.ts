import type { DeviceProfileInput } from '@civitas/contracts/devices';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { DeviceProfileRow } from './devices.tables.js';

type Executor = Kysely<DB> | Transaction<DB>;
export type ProfileWithCount = DeviceProfileRow & { device_count: number };

function columns(p: Omit<DeviceProfileInput, 'code'>) {
  return {
    name_zh: p.name['zh-CN'],
    name_en: p.name.en,
    entity_type: p.entityType,
    metrics: JSON.stringify(p.metrics),
    events: JSON.stringify(p.events),
    reporting_interval_s: p.reportingIntervalS,
    inactivity_timeout_s: p.inactivityTimeoutS,
    raw_retention_days: p.rawRetentionDays,
    rollup_retention_days: p.rollupRetentionDays,
  };
}

/**
 * `updated_at` is the profile's version. It is always written from a JS Date (millisecond precision)
 * and compared truncated to milliseconds, so the ISO string a client read matches it again.
 */
const now = () => new Date();

export class ProfilesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  all(): Promise<DeviceProfileRow[]> {
    return this.db.selectFrom('device_profiles').selectAll().orderBy('code').execute();
  }

  /** Every profile with the number of devices that use it. */
  async allWithCounts(db: Executor = this.db): Promise<ProfileWithCount[]> {
    const rows = await db
      .selectFrom('device_profiles as p')
      .selectAll('p')
      .select((eb) =>
        eb
          .selectFrom('devices as d')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('d.profile_id', '=', 'p.id')
          .as('device_count'),
      )
      .orderBy('p.code')
      .execute();
    return rows.map((r) => ({ ...r, device_count: Number(r.device_count ?? 0) }));
  }

  async findById(id: string, db: Executor = this.db): Promise<ProfileWithCount | undefined> {
    const r = await db
      .selectFrom('device_profiles as p')
      .selectAll('p')
      .select((eb) =>
        eb
          .selectFrom('devices as d')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('d.profile_id', '=', 'p.id')
          .as('device_count'),
      )
      .where('p.id', '=', id)
      .executeTakeFirst();
    return r && { ...r, device_count: Number(r.device_count ?? 0) };
  }

  findByCode(code: string, db: Executor = this.db) {
    return db.selectFrom('device_profiles').selectAll().where('code', '=', code).executeTakeFirst();
  }

  /** Locks the row for the rest of the transaction (a concurrent change waits, then sees the new version). */
  async lock(trx: Transaction<DB>, id: string): Promise<void> {
    await trx.selectFrom('device_profiles').select('id').where('id', '=', id).forUpdate().execute();
  }

  /** Inserts or refreshes a profile by code; built-in profiles are refreshed on every start. */
  async upsert(p: DeviceProfileInput, builtin: boolean): Promise<void> {
    const values = { code: p.code, ...columns(p), builtin };
    const { code: _code, ...update } = values;
    await this.db
      .insertInto('device_profiles')
      .values({ ...values, created_at: now(), updated_at: now() })
      .onConflict((oc) => oc.column('code').doUpdateSet({ ...update, updated_at: now() }))
      .execute();
  }

  async insert(trx: Transaction<DB>, p: DeviceProfileInput): Promise<string> {
    const r = await trx
      .insertInto('device_profiles')
      .values({ code: p.code, ...columns(p), builtin: false, created_at: now(), updated_at: now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  /** Writes the profile when its version is still `version`; false when someone changed it since. */
  async update(
    trx: Transaction<DB>,
    id: string,
    version: Date,
    p: Omit<DeviceProfileInput, 'code'>,
  ): Promise<boolean> {
    const r = await trx
      .updateTable('device_profiles')
      .set({ ...columns(p), updated_at: now() })
      .where('id', '=', id)
      .where('builtin', '=', false)
      .where(sql<boolean>`date_trunc('milliseconds', updated_at) = ${version}`)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async retire(trx: Transaction<DB>, id: string): Promise<void> {
    await trx
      .updateTable('device_profiles')
      .set({ retired_at: now(), updated_at: now() })
      .where('id', '=', id)
      .where('retired_at', 'is', null)
      .execute();
  }

  async delete(trx: Transaction<DB>, id: string): Promise<void> {
    await trx.deleteFrom('device_profiles').where('id', '=', id).where('builtin', '=', false).execute();
  }
}
