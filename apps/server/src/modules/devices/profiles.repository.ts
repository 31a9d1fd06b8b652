import type { DeviceProfileInput } from '@civitas/contracts/devices';
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { DeviceProfileRow } from './devices.tables.js';

export class ProfilesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  all(): Promise<DeviceProfileRow[]> {
    return this.db.selectFrom('device_profiles').selectAll().orderBy('code').execute();
  }

  findByCode(code: string) {
    return this.db.selectFrom('device_profiles').selectAll().where('code', '=', code).executeTakeFirst();
  }

  /** Inserts or refreshes a profile by code; built-in profiles are refreshed on every start. */
  async upsert(p: DeviceProfileInput, builtin: boolean): Promise<void> {
    const values = {
      code: p.code,
      name_zh: p.name['zh-CN'],
      name_en: p.name.en,
      entity_type: p.entityType,
      metrics: JSON.stringify(p.metrics),
      events: JSON.stringify(p.events),
      reporting_interval_s: p.reportingIntervalS,
      inactivity_timeout_s: p.inactivityTimeoutS,
      raw_retention_days: p.rawRetentionDays,
      rollup_retention_days: p.rollupRetentionDays,
      builtin,
    };
    const { code: _code, ...update } = values;
    await this.db
      .insertInto('device_profiles')
      .values(values)
      .onConflict((oc) => oc.column('code').doUpdateSet({ ...update, updated_at: new Date() }))
      .execute();
  }
}
