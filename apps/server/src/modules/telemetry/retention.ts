import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../platform/db/schema.js';

const DAY = 86_400_000;

/**
 * Retention. Raw readings live in daily partitions: a partition older than the longest raw
 * retention of any profile is dropped whole (no row-by-row delete, no bloat). Profiles that keep
 * raw data for less than that have their older rows deleted from the partitions still kept.
 * Rollups are deleted per profile: 1-minute rollups after the raw period (at least 7 days),
 * hourly rollups after the profile's rollup retention.
 */
export class RetentionJob {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: Logger,
  ) {}

  async run(now = new Date()): Promise<{ droppedPartitions: string[]; deletedRows: number }> {
    const profiles = await this.db
      .selectFrom('device_profiles')
      .select(['id', 'raw_retention_days', 'rollup_retention_days'])
      .execute();
    const longest = Math.max(30, ...profiles.map((p) => p.raw_retention_days));
    const cutoff = new Date(Math.floor((now.getTime() - longest * DAY) / DAY) * DAY);
    const parts = await sql<{ name: string }>`
      SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = 'telemetry'`.execute(this.db);
    const dropped: string[] = [];
    for (const { name } of parts.rows) {
      const m = /^telemetry_p(\d{4})(\d{2})(\d{2})$/.exec(name);
      if (!m) continue;
      const dayEnd = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY;
      if (dayEnd <= cutoff.getTime()) {
        await sql.raw(`DROP TABLE IF EXISTS ${name}`).execute(this.db);
        dropped.push(name);
      }
    }
    let deleted = 0;
    for (const p of profiles) {
      const rawCut = new Date(now.getTime() - p.raw_retention_days * DAY);
      const minuteCut = new Date(now.getTime() - Math.max(7, p.raw_retention_days) * DAY);
      const hourCut = new Date(now.getTime() - p.rollup_retention_days * DAY);
      const devices = this.db.selectFrom('devices').select('id').where('profile_id', '=', p.id);
      if (p.raw_retention_days < longest) {
        const r = await this.db
          .deleteFrom('telemetry')
          .where('device_id', 'in', devices)
          .where('ts', '<', rawCut)
          .executeTakeFirst();
        deleted += Number(r.numDeletedRows);
      }
      const r1 = await this.db
        .deleteFrom('telemetry_1m')
        .where('device_id', 'in', devices)
        .where('bucket', '<', minuteCut)
        .executeTakeFirst();
      const r2 = await this.db
        .deleteFrom('telemetry_1h')
        .where('device_id', 'in', devices)
        .where('bucket', '<', hourCut)
        .executeTakeFirst();
      const r3 = await this.db
        .deleteFrom('device_events')
        .where('device_id', 'in', devices)
        .where('ts', '<', hourCut)
        .executeTakeFirst();
      deleted += Number(r1.numDeletedRows) + Number(r2.numDeletedRows) + Number(r3.numDeletedRows);
    }
    if (dropped.length > 0 || deleted > 0) this.log.info({ dropped, deleted }, 'telemetry retention applied');
    return { droppedPartitions: dropped, deletedRows: deleted };
  }
}
