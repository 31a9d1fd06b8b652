import { sql, type Kysely, type Transaction } from 'kysely';
import { prepared } from '../../platform/db/prepared-statements.js';
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

interface EventJson {
  d: string;
  t: string;
  k: string;
  j: Record<string, unknown>;
}

export interface DeviceCounters {
  deviceId: string;
  lastSeen: Date | null;
  rejections: Map<string, number>;
  lastError: string | null;
}

const DAY_MS = 86_400_000;
export const partitionName = (day: Date) => `telemetry_p${day.toISOString().slice(0, 10).replace(/-/g, '')}`;
const dayStart = (t: number) => new Date(Math.floor(t / DAY_MS) * DAY_MS);

/**
 * SQL of the telemetry store. Batches use unnest() over arrays: one statement and six parameters
 * per batch whatever its size, on both engines.
 */
export class TelemetryRepository {
  /** Days (since the epoch, UTC) whose partition exists: checked per reading, so a number, not a name. */
  private readonly knownDays = new Set<number>();
  /**
   * Whether `writeBatch` commits without waiting for the WAL flush and `flushed` then waits for it
   * (ADR 0033). Off until `enableDeferredFlush` found PostgreSQL able to; PGlite never.
   */
  private deferFlush = false;

  constructor(private readonly db: Kysely<DB>) {}

  get defersFlush(): boolean {
    return this.deferFlush;
  }

  /**
   * Turns on the deferred flush if the server lets this role write a WAL record in a transaction
   * (`pg_logical_emit_message`, any wal_level). Returns null when on, or the server's reason when
   * it refuses (a missing function or privilege): group commits then stay synchronous. Any other
   * error (the server unreachable) is thrown, to be retried.
   */
  async enableDeferredFlush(): Promise<string | null> {
    try {
      await this.barrier();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string' && code.startsWith('42')) return (e as Error).message;
      throw e;
    }
    this.deferFlush = true;
    return null;
  }

  /**
   * Returns once every commit made before the call is on disk: a transaction that writes one WAL
   * record and commits synchronously waits for the WAL to be flushed up to its commit record, and
   * the WAL is one sequence, so every earlier commit record is flushed with it. Concurrent calls
   * share PostgreSQL's group flush. A no-op when the flush is not deferred.
   */
  async flushed(): Promise<void> {
    if (this.deferFlush) await this.barrier();
  }

  private async barrier(): Promise<void> {
    // One statement, so its own implicit transaction: a failure leaves no open transaction on
    // the pooled connection. Synchronous whatever the server's default.
    await sql`SELECT set_config('synchronous_commit', 'on', true), pg_logical_emit_message(true, 'civitas', 'telemetry flushed')`.execute(
      this.db,
    );
  }

  /** A deleted device's readings and rollups, in the transaction that deletes it. */
  /** Which of `metrics` have a latest reading on some device of the profile. */
  async metricsWithData(profileId: string, metrics: string[]): Promise<string[]> {
    if (metrics.length === 0) return [];
    const rows = await this.db
      .selectFrom('device_state as s')
      .innerJoin('devices as d', 'd.id', 's.device_id')
      .select('s.metric')
      .distinct()
      .where('d.profile_id', '=', profileId)
      .where('s.metric', 'in', metrics)
      .execute();
    return rows.map((r) => r.metric);
  }

  async removeDevice(trx: Transaction<DB>, deviceId: string): Promise<void> {
    await trx.deleteFrom('telemetry_1m').where('device_id', '=', deviceId).execute();
    await trx.deleteFrom('telemetry_1h').where('device_id', '=', deviceId).execute();
    await trx.deleteFrom('telemetry').where('device_id', '=', deviceId).execute();
  }

  /** Creates the daily partitions the given timestamps fall in (idempotent, safe across processes). */
  async ensurePartitions(times: Date[]): Promise<void> {
    const days = new Set<number>();
    for (const t of times) {
      const day = Math.floor(t.getTime() / DAY_MS);
      if (!this.knownDays.has(day)) days.add(day);
    }
    for (const day of days) {
      const d = dayStart(day * DAY_MS);
      const name = partitionName(d);
      const to = new Date(d.getTime() + DAY_MS);
      try {
        await sql
          .raw(
            `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF telemetry FOR VALUES FROM ('${d.toISOString()}') TO ('${to.toISOString()}')`,
          )
          .execute(this.db);
      } catch (e) {
        // Another process created it between our check and our CREATE: that is the outcome we
        // wanted. Two CREATEs at the same moment can also collide in the catalog (23505 on
        // pg_type_typname_nsp_index) instead of reporting 42P07 duplicate_table.
        const code = (e as { code?: unknown }).code;
        if (code !== '42P07' && code !== '23505' && !/already exists/.test((e as Error).message)) throw e;
      }
      this.knownDays.add(day);
    }
  }

  /**
   * Stores one group commit in a single statement, so a single round trip and a commit of its own
   * (a statement is atomic): readings (a redelivered one is skipped by the primary key), and from
   * the readings actually inserted only, the 1-minute and 1-hour rollups, the digital twin and the
   * devices' counters; events; rejections by reason. Fewer round trips mean less time a
   * transaction holds its row locks while waiting for this process to send the next statement,
   * which on a busy machine was most of a commit (ADR 0028). Rows are locked in key order so
   * concurrent writers (lanes, processes) wait for each other but do not deadlock.
   *
   * With the deferred flush (ADR 0033) the statement commits without waiting for its WAL to reach
   * the disk, so its row locks are released at once instead of after the flush; nothing may be
   * acknowledged until `flushed()` has returned.
   *
   * The text depends only on the flush mode, so it is prepared once per connection (planning was
   * about half of a small group commit's cost in the database).
   *
   * Returns the readings and events that were new, and the devices that turned active.
   */
  async writeBatch(
    readings: StoredReading[],
    events: DeviceEventRow[],
    counters: DeviceCounters[],
  ): Promise<{ inserted: StoredReading[]; events: DeviceEventRow[]; becameActive: string[] }> {
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const devices = [...counters].sort((a, b) => byKey(a.deviceId, b.deviceId));
    const errorsOf = (c: DeviceCounters) => [...c.rejections.values()].reduce((x, y) => x + y, 0);
    const rej = devices.flatMap((c) =>
      [...c.rejections].map(([reason, n]) => ({ id: c.deviceId, reason, n })),
    );
    const rollup = (table: 'telemetry_1m' | 'telemetry_1h', seconds: number) => sql`
      INSERT INTO ${sql.table(table)} (device_id, metric, bucket, min, max, sum, count)
      SELECT device_id, metric, to_timestamp(floor(extract(epoch FROM ts) / ${sql.lit(seconds)}) * ${sql.lit(seconds)}),
        min(num), max(num), sum(num), count(*)
      FROM ins WHERE num IS NOT NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
      ON CONFLICT (device_id, metric, bucket) DO UPDATE SET
        min = least(${sql.table(table)}.min, excluded.min),
        max = greatest(${sql.table(table)}.max, excluded.max),
        sum = ${sql.table(table)}.sum + excluded.sum,
        count = ${sql.table(table)}.count + excluded.count`;
    // Read at commit: this statement's implicit transaction commits without the flush wait.
    const commitMode = this.deferFlush
      ? sql`(SELECT set_config('synchronous_commit', 'off', true))`
      : sql`NULL::text`;
    // `was` reads the device row as the statement's snapshot saw it, before this update.
    const r = await sql<{
      inserted: [string, string, number][];
      events: EventJson[];
      became_active: string[];
    }>`
      ${prepared}
      WITH ins AS (
        INSERT INTO telemetry (device_id, metric, ts, num, txt, outlier)
        SELECT * FROM unnest(${readings.map((x) => x.deviceId)}::uuid[], ${readings.map((x) => x.metric)}::text[],
          ${readings.map((x) => x.ts)}::timestamptz[], ${readings.map((x) => x.num)}::float8[],
          ${readings.map((x) => x.txt)}::text[], ${readings.map((x) => x.outlier)}::boolean[])
        ON CONFLICT DO NOTHING
        RETURNING device_id, metric, ts, num, txt, outlier
      ),
      m1 AS (${rollup('telemetry_1m', 60)}),
      h1 AS (${rollup('telemetry_1h', 3600)}),
      st AS (
        INSERT INTO device_state (device_id, metric, ts, num, txt, outlier)
        SELECT DISTINCT ON (device_id, metric) device_id, metric, ts, num, txt, outlier
        FROM ins ORDER BY device_id, metric, ts DESC
        ON CONFLICT (device_id, metric) DO UPDATE SET ts = excluded.ts, num = excluded.num, txt = excluded.txt,
          outlier = excluded.outlier
        WHERE device_state.ts <= excluded.ts
      ),
      ev AS (
        INSERT INTO device_events (device_id, ts, kind, data)
        SELECT d, t, k, j::jsonb FROM unnest(${events.map((e) => e.deviceId)}::uuid[], ${events.map((e) => e.ts)}::timestamptz[],
          ${events.map((e) => e.kind)}::text[], ${events.map((e) => JSON.stringify(e.data))}::text[]) AS x(d, t, k, j)
        ON CONFLICT DO NOTHING
        RETURNING device_id, ts, kind, data
      ),
      c AS (
        SELECT x.id, x.s, x.e, x.le, coalesce(n.r, 0) AS r, coalesce(n.o, 0) AS o
        FROM unnest(${devices.map((c) => c.deviceId)}::uuid[], ${devices.map((c) => c.lastSeen)}::timestamptz[],
          ${devices.map(errorsOf)}::bigint[], ${devices.map((c) => c.lastError)}::text[]) AS x(id, s, e, le)
        LEFT JOIN (SELECT device_id, count(*) AS r, count(*) FILTER (WHERE outlier) AS o FROM ins GROUP BY device_id) AS n
          ON n.device_id = x.id
      ),
      upd AS (
        UPDATE devices AS d SET
          readings_count = d.readings_count + c.r,
          outlier_count = d.outlier_count + c.o,
          error_count = d.error_count + c.e,
          last_seen_at = CASE WHEN c.s IS NULL THEN d.last_seen_at ELSE greatest(d.last_seen_at, c.s) END,
          last_error = coalesce(c.le, d.last_error),
          last_error_at = CASE WHEN c.le IS NULL THEN d.last_error_at ELSE now() END,
          connectivity = CASE WHEN c.s IS NULL THEN d.connectivity ELSE 'active' END
        FROM c JOIN devices AS was ON was.id = c.id
        WHERE d.id = c.id
        RETURNING d.id, c.s IS NOT NULL AND was.connectivity <> 'active' AS turned_active
      ),
      rej AS (
        INSERT INTO device_rejections (device_id, reason, count, last_at)
        SELECT id, reason, n, now() FROM unnest(${rej.map((x) => x.id)}::uuid[], ${rej.map((x) => x.reason)}::text[],
          ${rej.map((x) => x.n)}::bigint[]) AS x(id, reason, n)
        ON CONFLICT (device_id, reason) DO UPDATE SET count = device_rejections.count + excluded.count,
          last_at = excluded.last_at
      )
      SELECT ${commitMode} AS commit_mode,
        (SELECT coalesce(json_agg(json_build_array(device_id, metric, extract(epoch FROM ts) * 1000)), '[]') FROM ins) AS inserted,
        (SELECT coalesce(json_agg(json_build_object('d', device_id, 't', ts, 'k', kind, 'j', data)), '[]') FROM ev) AS events,
        (SELECT coalesce(json_agg(id ORDER BY id), '[]') FROM upd WHERE turned_active) AS became_active`.execute(
      this.db,
    );
    const row = r.rows[0]!;
    // The statement returns keys only; the values are the ones sent.
    const sent = new Map(readings.map((x) => [`${x.deviceId}|${x.metric}|${x.ts.getTime()}`, x]));
    const inserted = row.inserted.map(([d, m, t]) => sent.get(`${d}|${m}|${Math.round(Number(t))}`)!);
    return {
      inserted,
      events: row.events.map((e) => ({ deviceId: e.d, ts: new Date(e.t), kind: e.k, data: e.j })),
      becameActive: row.became_active,
    };
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
