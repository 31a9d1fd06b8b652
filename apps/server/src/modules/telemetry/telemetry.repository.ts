import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/** One validated reading ready to store. */
export interface StoredReading {
  deviceId: string;
  metric: string;
  ts: Date;
  num: number | null;
  txt: string | null;
  outlier: boolean;
}

export interface DeviceEventRow {
  deviceId: string;
  ts: Date;
  kind: string;
  data: Record<string, unknown>;
}

export interface DeviceCounters {
  deviceId: string;
  lastSeen: Date | null;
  readings: number;
  outliers: number;
  rejections: Map<string, number>;
  lastError: string | null;
}

const DAY_MS = 86_400_000;
export const partitionName = (day: Date) => `telemetry_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
const dayStart = (t: number) => new Date(Math.floor(t / DAY_MS) * DAY_MS);

/**
 * The values of a map in the order of their keys. Upserts lock their rows in the order of their
 * input, and several transactions write at once (writer lanes, several processes; ADR 0028): taking
 * row locks in one global order means two of them can wait for each other but never deadlock.
 */
function inKeyOrder<T>(m: Map<string, T>): T[] {
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

/**
 * SQL of the telemetry store. Batches use unnest() over arrays: one statement and six parameters
 * per batch whatever its size, on both engines.
 */
export class TelemetryRepository {
  private readonly knownPartitions = new Set<string>();

  constructor(private readonly db: Kysely<DB>) {}

  /** Creates the daily partitions the given timestamps fall in (idempotent, safe across processes). */
  async ensurePartitions(times: Date[]): Promise<void> {
    const days = new Map<string, Date>();
    for (const t of times) {
      const d = dayStart(t.getTime());
      const name = partitionName(d);
      if (!this.knownPartitions.has(name)) days.set(name, d);
    }
    for (const [name, d] of days) {
      const to = new Date(d.getTime() + DAY_MS);
      try {
        await sql
          .raw(
            `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF telemetry FOR VALUES FROM ('${d.toISOString()}') TO ('${to.toISOString()}')`,
          )
          .execute(this.db);
      } catch (e) {
        // Another process created it between our check and our CREATE: that is the outcome we wanted.
        if (!/already exists/.test((e as Error).message)) throw e;
      }
      this.knownPartitions.add(name);
    }
  }

  /** Inserts readings; returns only those that were new (a redelivered reading is skipped). */
  async insertReadings(trx: Transaction<DB>, rows: StoredReading[]): Promise<StoredReading[]> {
    if (rows.length === 0) return [];
    const r = await sql<{
      device_id: string;
      metric: string;
      ts: Date;
      num: number | null;
      txt: string | null;
      outlier: boolean;
    }>`
      INSERT INTO telemetry (device_id, metric, ts, num, txt, outlier)
      SELECT * FROM unnest(${rows.map((x) => x.deviceId)}::uuid[], ${rows.map((x) => x.metric)}::text[],
        ${rows.map((x) => x.ts)}::timestamptz[], ${rows.map((x) => x.num)}::float8[],
        ${rows.map((x) => x.txt)}::text[], ${rows.map((x) => x.outlier)}::boolean[])
      ON CONFLICT DO NOTHING
      RETURNING device_id, metric, ts, num, txt, outlier`.execute(trx);
    return r.rows.map((x) => ({
      deviceId: x.device_id,
      metric: x.metric,
      ts: x.ts,
      num: x.num,
      txt: x.txt,
      outlier: x.outlier,
    }));
  }

  /** Folds new numeric readings into the 1-minute and 1-hour rollups. */
  async upsertRollups(trx: Transaction<DB>, rows: StoredReading[]): Promise<void> {
    for (const [table, size] of [
      ['telemetry_1m', 60_000],
      ['telemetry_1h', 3_600_000],
    ] as const) {
      const agg = new Map<
        string,
        { d: string; m: string; b: Date; min: number; max: number; sum: number; n: number }
      >();
      for (const r of rows) {
        if (r.num === null) continue;
        const b = Math.floor(r.ts.getTime() / size) * size;
        const k = `${r.deviceId}|${r.metric}|${b}`;
        const a = agg.get(k);
        if (a) {
          a.min = Math.min(a.min, r.num);
          a.max = Math.max(a.max, r.num);
          a.sum += r.num;
          a.n += 1;
        } else
          agg.set(k, {
            d: r.deviceId,
            m: r.metric,
            b: new Date(b),
            min: r.num,
            max: r.num,
            sum: r.num,
            n: 1,
          });
      }
      if (agg.size === 0) continue;
      const v = inKeyOrder(agg);
      await sql`
        INSERT INTO ${sql.table(table)} (device_id, metric, bucket, min, max, sum, count)
        SELECT * FROM unnest(${v.map((x) => x.d)}::uuid[], ${v.map((x) => x.m)}::text[], ${v.map((x) => x.b)}::timestamptz[],
          ${v.map((x) => x.min)}::float8[], ${v.map((x) => x.max)}::float8[], ${v.map((x) => x.sum)}::float8[], ${v.map((x) => x.n)}::bigint[])
        ON CONFLICT (device_id, metric, bucket) DO UPDATE SET
          min = least(${sql.table(table)}.min, excluded.min),
          max = greatest(${sql.table(table)}.max, excluded.max),
          sum = ${sql.table(table)}.sum + excluded.sum,
          count = ${sql.table(table)}.count + excluded.count`.execute(trx);
    }
  }

  /** Moves the digital twin forward; an older reading arriving late never overwrites a newer one. */
  async upsertState(trx: Transaction<DB>, rows: StoredReading[]): Promise<void> {
    const latest = new Map<string, StoredReading>();
    for (const r of rows) {
      const k = `${r.deviceId}|${r.metric}`;
      const cur = latest.get(k);
      if (!cur || cur.ts < r.ts) latest.set(k, r);
    }
    if (latest.size === 0) return;
    const v = inKeyOrder(latest);
    await sql`
      INSERT INTO device_state (device_id, metric, ts, num, txt, outlier)
      SELECT * FROM unnest(${v.map((x) => x.deviceId)}::uuid[], ${v.map((x) => x.metric)}::text[], ${v.map((x) => x.ts)}::timestamptz[],
        ${v.map((x) => x.num)}::float8[], ${v.map((x) => x.txt)}::text[], ${v.map((x) => x.outlier)}::boolean[])
      ON CONFLICT (device_id, metric) DO UPDATE SET ts = excluded.ts, num = excluded.num, txt = excluded.txt, outlier = excluded.outlier
      WHERE device_state.ts <= excluded.ts`.execute(trx);
  }

  async insertEvents(trx: Transaction<DB>, events: DeviceEventRow[]): Promise<DeviceEventRow[]> {
    if (events.length === 0) return [];
    const r = await sql<{ device_id: string; ts: Date; kind: string; data: Record<string, unknown> }>`
      INSERT INTO device_events (device_id, ts, kind, data)
      SELECT d, t, k, j::jsonb FROM unnest(${events.map((e) => e.deviceId)}::uuid[], ${events.map((e) => e.ts)}::timestamptz[],
        ${events.map((e) => e.kind)}::text[], ${events.map((e) => JSON.stringify(e.data))}::text[]) AS x(d, t, k, j)
      ON CONFLICT DO NOTHING
      RETURNING device_id, ts, kind, data`.execute(trx);
    return r.rows.map((x) => ({ deviceId: x.device_id, ts: x.ts, kind: x.kind, data: x.data }));
  }

  /**
   * Applies per-device counters: last seen, reading and outlier totals, rejections by reason.
   * Returns the devices that just turned active (from never seen or inactive).
   */
  async applyCounters(trx: Transaction<DB>, unordered: DeviceCounters[]): Promise<string[]> {
    const counters = [...unordered].sort((a, b) =>
      a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0,
    );
    const seen = counters.filter((c) => c.lastSeen).map((c) => c.deviceId);
    const becameActive =
      seen.length === 0
        ? []
        : (
            await trx
              .updateTable('devices')
              .set({ connectivity: 'active' })
              .where('id', 'in', seen)
              .where('connectivity', '<>', 'active')
              .returning('id')
              .execute()
          ).map((r) => r.id);
    if (counters.length > 0) {
      const errorsOf = (c: DeviceCounters) => [...c.rejections.values()].reduce((a, b) => a + b, 0);
      await sql`
        UPDATE devices AS d SET
          readings_count = d.readings_count + x.r,
          outlier_count = d.outlier_count + x.o,
          error_count = d.error_count + x.e,
          last_seen_at = CASE WHEN x.s IS NULL THEN d.last_seen_at ELSE greatest(d.last_seen_at, x.s) END,
          last_error = coalesce(x.le, d.last_error),
          last_error_at = CASE WHEN x.le IS NULL THEN d.last_error_at ELSE now() END
        FROM unnest(${counters.map((c) => c.deviceId)}::uuid[], ${counters.map((c) => c.readings)}::bigint[],
          ${counters.map((c) => c.outliers)}::bigint[], ${counters.map(errorsOf)}::bigint[],
          ${counters.map((c) => c.lastSeen)}::timestamptz[], ${counters.map((c) => c.lastError)}::text[]) AS x(id, r, o, e, s, le)
        WHERE d.id = x.id`.execute(trx);
    }
    const rej = counters.flatMap((c) =>
      [...c.rejections].map(([reason, n]) => ({ id: c.deviceId, reason, n })),
    );
    if (rej.length > 0) {
      await sql`
        INSERT INTO device_rejections (device_id, reason, count, last_at)
        SELECT id, reason, n, now() FROM unnest(${rej.map((r) => r.id)}::uuid[], ${rej.map((r) => r.reason)}::text[],
          ${rej.map((r) => r.n)}::bigint[]) AS x(id, reason, n)
        ON CONFLICT (device_id, reason) DO UPDATE SET count = device_rejections.count + excluded.count, last_at = excluded.last_at`.execute(
        trx,
      );
    }
    return becameActive;
  }

  // ---- reads ----
  latest(deviceIds: string[]) {
    if (deviceIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('device_state')
      .selectAll()
      .where('device_id', 'in', deviceIds)
      .orderBy('metric')
      .execute();
  }

  raw(deviceId: string, metric: string, from: Date, to: Date, limit: number) {
    return this.db
      .selectFrom('telemetry')
      .select(['ts', 'num', 'txt', 'outlier'])
      .where('device_id', '=', deviceId)
      .where('metric', '=', metric)
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .orderBy('ts')
      .limit(limit)
      .execute();
  }

  rollup(table: 'telemetry_1m' | 'telemetry_1h', deviceId: string, metric: string, from: Date, to: Date) {
    return this.db
      .selectFrom(table)
      .select(['bucket', 'min', 'max', 'sum', 'count'])
      .where('device_id', '=', deviceId)
      .where('metric', '=', metric)
      .where('bucket', '>=', from)
      .where('bucket', '<', to)
      .orderBy('bucket')
      .execute();
  }

  /** Daily buckets folded from the hourly rollup (UTC days). */
  async daily(deviceId: string, metric: string, from: Date, to: Date) {
    const r = await sql<{ bucket: Date; min: number; max: number; sum: number; count: number }>`
      SELECT date_trunc('day', bucket AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket,
        min(min) AS min, max(max) AS max, sum(sum) AS sum, sum(count)::bigint AS count
      FROM telemetry_1h WHERE device_id = ${deviceId} AND metric = ${metric} AND bucket >= ${from} AND bucket < ${to}
      GROUP BY 1 ORDER BY 1`.execute(this.db);
    return r.rows;
  }

  events(deviceId: string, from: Date, to: Date, limit: number) {
    return this.db
      .selectFrom('device_events')
      .select(['ts', 'kind', 'data'])
      .where('device_id', '=', deviceId)
      .where('ts', '>=', from)
      .where('ts', '<', to)
      .orderBy('ts', 'desc')
      .limit(limit)
      .execute();
  }
}
