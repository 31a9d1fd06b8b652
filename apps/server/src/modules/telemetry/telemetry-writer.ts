import type { Logger } from 'pino';
import type { BusEvents, EventBus } from '../../platform/bus/event-bus.js';
import type { Engine } from '../../platform/db/database.js';
import { LivePacer, type PacerOptions } from './live-pacer.js';
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

/** One writer lane: its own queue and at most one transaction (so one pooled connection) at a time. */
interface Lane {
  queue: Pending[];
  flushing: boolean;
}

export interface WriterOptions {
  /** Readings held in memory at most, over all lanes; beyond it `write` waits (backpressure). */
  maxBuffered: number;
  /** Readings per transaction at most. */
  batchSize: number;
  /**
   * Group commits in flight at once, each on its own connection (ADR 0028). A device always
   * writes through the same lane, so its messages commit in the order they arrived and two lanes
   * never touch the same device's rows. PGlite has one connection: one lane. Default 1.
   */
  lanes?: number;
  /**
   * Commit each group without waiting for the WAL flush, so its row locks are released at once,
   * and acknowledge only after a barrier has waited for the flush (ADR 0033). PostgreSQL only;
   * off if the server refuses the barrier. Default false.
   */
  deferFlush?: boolean;
  /** Pacing of `telemetry.stored` for live views (LivePacer; default one per device per second). */
  livePacing?: PacerOptions;
}

/**
 * The writer of telemetry. Callers await `write`, which resolves once the data is committed: the
 * MQTT adapters acknowledge (PUBACK) only then. Writes are group-committed: while a transaction
 * runs, the next batch accumulates. With several lanes, several such transactions run at once on
 * separate connections, so throughput is bound by the database's CPU rather than by one
 * commit's latency (its fsync above all): a message waits only for the commit that holds it,
 * never for another lane's. The buffer is bounded; when it is full, `write` waits, which holds back
 * PUBACKs and so slows publishers at the broker. When the database is unreachable, the batch is
 * retried with backoff until it succeeds; nothing is dropped.
 *
 * Before taking each batch a lane yields to the event loop (one I/O poll), so that messages
 * already waiting in sockets join the batch. Without it, on PGlite, whose queries run on this
 * thread, no socket is read while a commit runs, the next commit starts with the handful of
 * messages that arrived in between, and the fixed cost per commit caps throughput (ADR 0013).
 */
export class TelemetryWriter {
  private readonly lanes: Lane[];
  private buffered = 0;
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private closed = false;
  private failures = 0;
  private committing = 0;
  /** Whether the deferred flush was asked of the repository yet (once, at the first commit). */
  private flushModeSettled = false;
  /** The flush barrier running now, and the one that will run after it (shared by every lane). */
  private barrier: Promise<void> | null = null;
  private nextBarrier: Promise<void> | null = null;
  private readonly live: LivePacer;
  private readonly storedListeners = new Set<(e: BusEvents['telemetry.stored']) => void>();
  readonly stats = {
    written: 0,
    duplicates: 0,
    batches: 0,
    retries: 0,
    peakBuffered: 0,
    /** Most transactions that were open at the same moment. */
    peakConcurrentCommits: 0,
    /** Readings and events refused before the store, by reason, as committed with their device's counters. */
    rejected: new Map<string, number>(),
  };
  private readonly commitObservers = new Set<(seconds: number, readings: number) => void>();

  constructor(
    private readonly repo: TelemetryRepository,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: WriterOptions,
  ) {
    this.live = new LivePacer(bus, opts.livePacing);
    const n = Math.max(1, Math.floor(opts.lanes ?? 1));
    this.lanes = Array.from({ length: n }, () => ({ queue: [], flushing: false }));
  }

  get bufferedReadings(): number {
    return this.buffered;
  }

  /** Group commits sent to the database and not yet settled. */
  get commitsInFlight(): number {
    return this.committing;
  }

  get laneCount(): number {
    return this.lanes.length;
  }

  /** The lane a device writes through: fixed per device, spread evenly over random ids. */
  laneOf(deviceId: string): number {
    if (this.lanes.length === 1) return 0;
    // FNV-1a over the id's characters; UUIDs are random enough that any mix spreads them.
    let h = 0x811c9dc5;
    for (let i = 0; i < deviceId.length; i++) h = Math.imul(h ^ deviceId.charCodeAt(i), 0x01000193);
    return (h >>> 0) % this.lanes.length;
  }

  /**
   * Every committed group's new readings, per device, in this process and unpaced (the bus's
   * `telemetry.stored` is paced for live views): for what must see each reading once it is on disk.
   */
  onStored(listener: (e: BusEvents['telemetry.stored']) => void): () => void {
    this.storedListeners.add(listener);
    return () => this.storedListeners.delete(listener);
  }

  /** Each group commit's duration (statement and flush) and size, for monitoring. */
  onCommit(observer: (seconds: number, readings: number) => void): () => void {
    this.commitObservers.add(observer);
    return () => this.commitObservers.delete(observer);
  }

  async write(batch: WriteBatch): Promise<void> {
    const size = Math.max(1, batch.readings.length + batch.events.length);
    while (this.buffered > 0 && this.buffered + size > this.opts.maxBuffered) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.closed) throw new Error('telemetry writer is closed');
    this.buffered += size;
    this.stats.peakBuffered = Math.max(this.stats.peakBuffered, this.buffered);
    const lane = this.lanes[this.laneOf(batch.deviceId)]!;
    return new Promise<void>((resolve) => {
      lane.queue.push({ batch, size, done: resolve });
      if (!lane.flushing) void this.flushLoop(lane);
    });
  }

  /** Waits until everything queued so far is written. */
  async drain(): Promise<void> {
    while (this.lanes.some((l) => l.queue.length > 0 || l.flushing))
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    this.live.flush();
  }

  private take(lane: Lane): Pending[] {
    const out: Pending[] = [];
    let n = 0;
    while (lane.queue.length > 0 && (out.length === 0 || n + lane.queue[0]!.size <= this.opts.batchSize)) {
      const p = lane.queue.shift()!;
      n += p.size;
      out.push(p);
    }
    return out;
  }

  private async flushLoop(lane: Lane): Promise<void> {
    lane.flushing = true;
    try {
      while (lane.queue.length > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        const group = this.take(lane);
        await this.commitWithRetry(group);
        // Acknowledgement strictly after the commit that holds the message (ADR 0009).
        for (const p of group) {
          this.buffered -= p.size;
          p.done();
        }
        const waiters = this.spaceWaiters.splice(0);
        for (const w of waiters) w();
      }
    } finally {
      lane.flushing = false;
      if (this.lanes.every((l) => !l.flushing && l.queue.length === 0))
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
        rejections: new Map<string, number>(),
        lastError: null,
      };
      for (const [reason, n] of b.rejections) c.rejections.set(reason, (c.rejections.get(reason) ?? 0) + n);
      if (b.lastError) c.lastError = b.lastError;
      for (const r of [...b.readings, ...b.events]) if (!c.lastSeen || c.lastSeen < r.ts) c.lastSeen = r.ts;
      counters.set(b.deviceId, c);
    }
    await this.settleFlushMode();
    // Reading counts, rollups and state come from the rows really inserted (writeBatch), so a
    // redelivered reading is counted once. The promise settles after the statement's commit and,
    // with the deferred flush, once that commit is on disk: a failure of either retries the whole
    // group (the readings then skip as duplicates), because a commit that was not flushed may be
    // lost with the server.
    const started = performance.now();
    this.committing++;
    this.stats.peakConcurrentCommits = Math.max(this.stats.peakConcurrentCommits, this.committing);
    const {
      inserted,
      events: newEvents,
      becameActive,
    } = await this.repo
      .writeBatch(readings, events, [...counters.values()])
      .then(async (r) => {
        await this.flushedAfterNow();
        return r;
      })
      .finally(() => this.committing--);
    this.stats.batches++;
    for (const c of counters.values())
      for (const [reason, n] of c.rejections)
        this.stats.rejected.set(reason, (this.stats.rejected.get(reason) ?? 0) + n);
    const seconds = (performance.now() - started) / 1000;
    for (const o of this.commitObservers) o(seconds, readings.length);
    this.stats.written += inserted.length;
    this.stats.duplicates += readings.length - inserted.length;
    this.announce(group, inserted, newEvents, becameActive);
  }

  /**
   * Resolves once a flush barrier that started after this call has finished, so every commit
   * made before the call is on disk. Lanes share barriers: while one runs, the commits that end
   * meanwhile all wait for the single next one, so a process sends at most one barrier at a time
   * instead of one per commit. A failed barrier rejects all its waiters, whose groups are retried.
   */
  private flushedAfterNow(): Promise<void> {
    if (!this.repo.defersFlush) return Promise.resolve();
    const run = (): Promise<void> => {
      const p = this.repo.flushed().finally(() => {
        if (this.barrier === p) this.barrier = null;
      });
      this.barrier = p;
      return p;
    };
    if (!this.barrier) return run();
    // The running barrier may have started before this commit: wait for the next one.
    this.nextBarrier ??= this.barrier
      .catch(() => undefined)
      .then(() => {
        this.nextBarrier = null;
        return run();
      });
    return this.nextBarrier;
  }

  private async settleFlushMode(): Promise<void> {
    if (!this.opts.deferFlush || this.flushModeSettled) return;
    const refused = await this.repo.enableDeferredFlush();
    this.flushModeSettled = true;
    if (refused)
      this.log.warn(
        { reason: refused },
        'telemetry commits wait for their own WAL flush: the server refused the flush barrier (ADR 0033)',
      );
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
      const event: BusEvents['telemetry.stored'] = {
        deviceId: id,
        code: m.code,
        orgUnitPath: m.orgUnitPath,
        readings: rows.map((r) => ({
          metric: r.metric,
          ts: r.ts.toISOString(),
          value: r.num ?? r.txt,
          outlier: r.outlier,
        })),
      };
      for (const l of this.storedListeners) l(event);
      this.live.add(event);
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

/**
 * Writer lanes for an engine: PGlite has a single connection, so one. On PostgreSQL the setting,
 * or half the pool (the rest serves HTTP and jobs) and at most 4: on a machine of a few cores, more
 * transactions in flight than that only queue for the same CPUs (docs/benchmarks.md).
 */
export function writeLanesFor(engine: Engine, configured: number | undefined, poolSize: number): number {
  if (engine === 'pglite') return 1;
  return configured ?? Math.max(1, Math.min(4, Math.floor(poolSize / 2)));
}
