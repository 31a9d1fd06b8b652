import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { EventBus } from '../../platform/bus/event-bus.js';
import type { DB } from '../../platform/db/schema.js';
import type {
  DeviceCounters,
  DeviceEventRow,
  StoredReading,
  TelemetryRepository,
} from './telemetry.repository.js';

/** What one accepted message contributes to the store. */
export interface WriteBatch {
  deviceId: string;
  code: string;
  orgUnitPath: string;
  readings: StoredReading[];
  events: DeviceEventRow[];
  rejections: Map<string, number>;
  lastError: string | null;
}

interface Pending {
  batch: WriteBatch;
  size: number;
  done: () => void;
}

export interface WriterOptions {
  /** Readings held in memory at most; beyond it `write` waits (backpressure). */
  maxBuffered: number;
  /** Readings per transaction at most. */
  batchSize: number;
}

/**
 * The single writer of telemetry. Callers await `write`, which resolves once the data is
 * committed: the MQTT adapters acknowledge (PUBACK) only then. Writes are group-committed: while
 * one transaction runs, the next batch accumulates. The buffer is bounded; when it is full,
 * `write` waits, which holds back PUBACKs and so slows publishers at the broker. When the
 * database is unreachable, the batch is retried with backoff until it succeeds; nothing is dropped.
 *
 * Before taking each batch the loop yields to the event loop (one I/O poll), so that messages
 * already waiting in sockets join the batch. Without it, on PGlite, whose queries run on this
 * thread, no socket is read while a commit runs, the next commit starts with the handful of
 * messages that arrived in between, and the fixed cost per commit caps throughput (ADR 0013).
 */
export class TelemetryWriter {
  private queue: Pending[] = [];
  private buffered = 0;
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private flushing = false;
  private closed = false;
  private failures = 0;
  readonly stats = { written: 0, duplicates: 0, batches: 0, retries: 0, peakBuffered: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: TelemetryRepository,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: WriterOptions,
  ) {}

  get bufferedReadings(): number {
    return this.buffered;
  }

  async write(batch: WriteBatch): Promise<void> {
    const size = Math.max(1, batch.readings.length + batch.events.length);
    while (this.buffered > 0 && this.buffered + size > this.opts.maxBuffered) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) throw new Error('telemetry writer is closed');
    this.buffered += size;
    this.stats.peakBuffered = Math.max(this.stats.peakBuffered, this.buffered);
    return new Promise<void>((resolve) => {
      this.queue.push({ batch, size, done: resolve });
      if (!this.flushing) void this.flushLoop();
    });
  }

  /** Waits until everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing)
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private take(): Pending[] {
    const out: Pending[] = [];
    let n = 0;
    while (this.queue.length > 0 && (out.length === 0 || n + this.queue[0]!.size <= this.opts.batchSize)) {
      const p = this.queue.shift()!;
      n += p.size;
      out.push(p);
    }
    return out;
  }

  private async flushLoop(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const group = this.take();
        await this.commitWithRetry(group);
        for (const p of group) {
          this.buffered -= p.size;
          p.done();
        }
        const waiters = this.spaceWaiters.splice(0);
        for (const w of waiters) w();
      }
    } finally {
      this.flushing = false;
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async commitWithRetry(group: Pending[], isolated = false): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.commit(group);
        if (this.failures > 0) this.log.info({ after: this.failures }, 'telemetry store reachable again');
        this.failures = 0;
        return;
      } catch (e) {
        if (!isTransient(e)) return this.isolate(group, e, isolated);
        this.failures++;
        this.stats.retries++;
        if (attempt === 0 || attempt % 20 === 0)
          this.log.error({ err: e, buffered: this.buffered }, 'telemetry write failed; retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(attempt, 6))));
      }
    }
  }

  /**
   * The database refused the batch for its content (not for being unreachable). Retrying would
   * block the pipeline behind one bad message, so the batch is split until the culprit is alone;
   * its data is then dropped, and the refusal is counted against its device.
   */
  private async isolate(group: Pending[], error: unknown, alreadyIsolated: boolean): Promise<void> {
    if (group.length > 1) {
      for (const p of group) await this.commitWithRetry([p]);
      return;
    }
    const p = group[0]!;
    this.log.error({ err: error, device: p.batch.code }, 'the database refused a device message');
    if (alreadyIsolated) return;
    const rejections = new Map(p.batch.rejections);
    rejections.set(
      'store_failed',
      (rejections.get('store_failed') ?? 0) + p.batch.readings.length + p.batch.events.length,
    );
    const stripped: Pending = {
      ...p,
      batch: {
        ...p.batch,
        readings: [],
        events: [],
        rejections,
        lastError: 'the database refused this message',
      },
    };
    await this.commitWithRetry([stripped], true);
  }

  private async commit(group: Pending[]): Promise<void> {
    const readings = group.flatMap((p) => p.batch.readings);
    const events = group.flatMap((p) => p.batch.events);
    await this.repo.ensurePartitions(readings.map((r) => r.ts));
    const counters = new Map<string, DeviceCounters>();
    for (const p of group) {
      const b = p.batch;
      const c: DeviceCounters = counters.get(b.deviceId) ?? {
        deviceId: b.deviceId,
        lastSeen: null,
        readings: 0,
        outliers: 0,
        rejections: new Map<string, number>(),
        lastError: null,
      };
      for (const [reason, n] of b.rejections) c.rejections.set(reason, (c.rejections.get(reason) ?? 0) + n);
      if (b.lastError) c.lastError = b.lastError;
      counters.set(b.deviceId, c);
    }
    const { inserted, newEvents, becameActive } = await this.db.transaction().execute(async (trx) => {
      const ins = await this.repo.insertReadings(trx, readings);
      await this.repo.upsertRollups(trx, ins);
      await this.repo.upsertState(trx, ins);
      const ev = await this.repo.insertEvents(trx, events);
      // Counts come from what was really inserted, so a redelivery does not inflate them.
      for (const r of ins) {
        const c = counters.get(r.deviceId)!;
        c.readings++;
        if (r.outlier) c.outliers++;
      }
      for (const p of group) {
        const c = counters.get(p.batch.deviceId)!;
        for (const r of [...p.batch.readings, ...p.batch.events])
          if (!c.lastSeen || c.lastSeen < r.ts) c.lastSeen = r.ts;
      }
      const active = await this.repo.applyCounters(trx, [...counters.values()]);
      return { inserted: ins, newEvents: ev, becameActive: active };
    });
    this.stats.batches++;
    this.stats.written += inserted.length;
    this.stats.duplicates += readings.length - inserted.length;
    this.announce(group, inserted, newEvents, becameActive);
  }

  private announce(
    group: Pending[],
    inserted: StoredReading[],
    events: DeviceEventRow[],
    becameActive: string[],
  ): void {
    const meta = new Map(group.map((p) => [p.batch.deviceId, p.batch]));
    const byDevice = new Map<string, StoredReading[]>();
    for (const r of inserted) byDevice.set(r.deviceId, [...(byDevice.get(r.deviceId) ?? []), r]);
    const now = new Date().toISOString();
    for (const id of becameActive) {
      const m = meta.get(id)!;
      this.bus.publish('device.active', { deviceId: id, code: m.code, orgUnitPath: m.orgUnitPath, at: now });
    }
    for (const [id, rows] of byDevice) {
      const m = meta.get(id)!;
      this.bus.publish('telemetry.stored', {
        deviceId: id,
        code: m.code,
        orgUnitPath: m.orgUnitPath,
        readings: rows.map((r) => ({
          metric: r.metric,
          ts: r.ts.toISOString(),
          value: r.num ?? r.txt,
          outlier: r.outlier,
        })),
      });
    }
    for (const e of events) {
      const m = meta.get(e.deviceId)!;
      this.bus.publish('device.event', {
        deviceId: e.deviceId,
        code: m.code,
        orgUnitPath: m.orgUnitPath,
        kind: e.kind,
        ts: e.ts.toISOString(),
        data: e.data,
      });
    }
  }
}

/**
 * Worth retrying: the database is unreachable, restarting or overloaded. Not worth it: the data
 * itself is wrong (SQLSTATE classes 22 data exception, 23 integrity, 42 syntax or access).
 */
export function isTransient(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^(22|23|42)/.test(code)) return false;
  return true;
}
