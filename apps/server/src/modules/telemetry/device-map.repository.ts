import { sql, type Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

export interface MapBoxFilter {
  /** The caller's unit paths for `device.read`; nothing is returned without one. */
  paths: string[];
  unitPath?: string | undefined;
  profile?: string | undefined;
  west: number;
  south: number;
  east: number;
  north: number;
  /** Only these metrics of the latest state are joined (the map's primary-value sources). */
  metrics: readonly string[];
  limit: number;
}

export interface MapDeviceRow {
  id: string;
  code: string;
  name: string;
  profile_code: string;
  lat: number;
  lng: number;
  h3: string;
  connectivity: 'never' | 'active' | 'inactive';
  /** Latest value per requested metric, as a JSON object (one row per device). */
  state: Record<string, { v: number | null; ts: string }> | null;
}

/** SQL for the device map: devices in a box, scoped by unit path, with their latest primary readings. */
export class DeviceMapRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async inBox(f: MapBoxFilter): Promise<MapDeviceRow[]> {
    if (f.paths.length === 0) return [];
    let q = this.db
      .selectFrom('devices as d')
      .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
      .innerJoin('device_profiles as p', 'p.id', 'd.profile_id')
      .select([
        'd.id',
        'd.code',
        'd.name',
        'p.code as profile_code',
        'd.lat',
        'd.lng',
        'd.h3',
        'd.connectivity',
      ])
      // One row per device: its primary-value sources folded into an object (works on PG 15 and PGlite).
      .select(
        sql<MapDeviceRow['state']>`(
          SELECT jsonb_object_agg(s.metric, jsonb_build_object('v', s.num, 'ts', s.ts))
          FROM device_state s
          WHERE s.device_id = d.id AND s.metric = ANY(${[...f.metrics]}::text[])
        )`.as('state'),
      )
      .where((eb) => eb.or(f.paths.map((p) => eb('u.path', 'like', `${p}%`))))
      .where('d.lat', '>=', f.south)
      .where('d.lat', '<=', f.north)
      .where('d.lng', '>=', f.west)
      .where('d.lng', '<=', f.east)
      .where('d.status', '<>', 'retired');
    if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
    if (f.profile) q = q.where('p.code', '=', f.profile);
    return q.orderBy('d.code').limit(f.limit).execute();
  }
}
