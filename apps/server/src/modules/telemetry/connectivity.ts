import { sql, type Kysely } from 'kysely';
import type { EventBus } from '../../platform/bus/event-bus.js';
import type { DB } from '../../platform/db/schema.js';

/**
 * Marks devices inactive when they have been silent longer than their profile's inactivity
 * timeout, and says so on the bus. Activity is set by the writer as readings arrive.
 */
export class ConnectivityMonitor {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly bus: EventBus,
  ) {}

  async sweep(now = new Date()): Promise<number> {
    const r = await sql<{ id: string; code: string; path: string; last_seen_at: Date | null }>`
      UPDATE devices AS d SET connectivity = 'inactive'
      FROM device_profiles AS p, org_units AS u
      WHERE p.id = d.profile_id AND u.id = d.org_unit_id AND d.connectivity = 'active'
        AND d.last_seen_at < ${now}::timestamptz - make_interval(secs => p.inactivity_timeout_s)
      RETURNING d.id, d.code, u.path, d.last_seen_at`.execute(this.db);
    for (const row of r.rows) {
      this.bus.publish('device.inactive', {
        deviceId: row.id,
        code: row.code,
        orgUnitPath: row.path,
        lastSeenAt: row.last_seen_at?.toISOString() ?? null,
      });
    }
    return r.rows.length;
  }
}
