import type { Kysely } from 'kysely';
import type { DB } from '../../../platform/db/schema.js';

export interface EntityFilter {
  /** Unit paths the caller may read (scopePaths); nothing is returned without one. */
  paths: string[];
  types?: string[] | undefined;
  codes?: string[] | undefined;
}

/**
 * The NGSI-LD read model: devices with their profile's Smart Data Models type, and their latest
 * state. Queries filter by scope, type and code in SQL; the NGSI-LD query language, geo-queries
 * and paging then run in memory (see entities.query.ts).
 */
export class NgsiLdRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private scoped(f: EntityFilter) {
    let q = this.db
      .selectFrom('devices as d')
      .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
      .innerJoin('device_profiles as p', 'p.id', 'd.profile_id')
      .where((eb) => eb.or(f.paths.map((path) => eb('u.path', 'like', `${path}%`))));
    if (f.types) q = q.where('p.entity_type', 'in', f.types);
    if (f.codes) q = q.where('d.code', 'in', f.codes);
    return q;
  }

  async devices(f: EntityFilter) {
    if (f.paths.length === 0 || f.types?.length === 0 || f.codes?.length === 0) return [];
    return this.scoped(f)
      .select([
        'd.id',
        'd.code',
        'd.name',
        'd.lat',
        'd.lng',
        'd.connectivity',
        'd.last_seen_at',
        'u.code as unit_code',
        'u.path as unit_path',
        'p.entity_type',
        'p.metrics',
      ])
      .orderBy('d.code')
      .execute();
  }

  async latest(f: EntityFilter) {
    if (f.paths.length === 0 || f.types?.length === 0 || f.codes?.length === 0) return [];
    return this.scoped(f)
      .innerJoin('device_state as s', 's.device_id', 'd.id')
      .select(['s.device_id', 's.metric', 's.ts', 's.num', 's.txt'])
      .execute();
  }

  /** The newest `n` raw readings of a metric in [from, to), oldest first (temporal `lastN`). */
  async lastRaw(deviceId: string, metric: string, from: Date, to: Date, n: number) {
    const rows = await this.db
      .selectFrom('telemetry')
      .select(['ts', 'num', 'txt'])
      .where('device_id', '=', deviceId)
      .where('metric', '=', metric)
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .orderBy('ts', 'desc')
      .limit(n)
      .execute();
    return rows.reverse();
  }
}

export type EntityDeviceRow = Awaited<ReturnType<NgsiLdRepository['devices']>>[number];
export type EntityStateRow = Awaited<ReturnType<NgsiLdRepository['latest']>>[number];
