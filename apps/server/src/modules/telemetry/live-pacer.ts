import type { BusEvents, EventBus } from '../../platform/bus/event-bus.js';

type Stored = BusEvents['telemetry.stored'];
type Reading = Stored['readings'][number];

interface DeviceWindow {
  /** When this device's last event went out (ms since the epoch, this process's clock). */
  sentAt: number;
  /** Readings stored since then, to go out when the interval has passed. */
  pending: Stored | null;
}

export interface PacerOptions {
  /** At most one event per device per interval. Default 1,000 ms. */
  intervalMs?: number;
  /** Readings per metric an event carries at most: the latest ones. Default 10. */
  perMetric?: number;
}

/**
 * Paces `telemetry.stored`, the event that feeds live views in every process (ADR 0033). A
 * device's first readings after a quiet interval go out at once; readings stored within the
 * interval after that are merged into one event sent when it ends, carrying at most the latest
 * `perMetric` readings of each metric. So the bus carries at most one event per device per
 * interval, however fast devices report and however small the group commits are: on the
 * PostgreSQL bus every broadcast is a NOTIFY read by every process, and one event per commit and
 * device cost the cluster more than the readings themselves. A device reporting once a second or
 * slower loses nothing; the stored data is complete whatever the live view shows.
 */
export class LivePacer {
  private readonly windows = new Map<string, DeviceWindow>();
  private readonly waiting = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly perMetric: number;

  constructor(
    private readonly bus: EventBus,
    opts: PacerOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.intervalMs = opts.intervalMs ?? 1_000;
    this.perMetric = opts.perMetric ?? 10;
  }

  add(event: Stored): void {
    const at = this.now();
    const w = this.windows.get(event.deviceId);
    if (!w || (!w.pending && at - w.sentAt >= this.intervalMs)) {
      this.windows.set(event.deviceId, { sentAt: at, pending: null });
      this.bus.publish('telemetry.stored', this.trim(event));
      return;
    }
    w.pending = w.pending ? { ...event, readings: [...w.pending.readings, ...event.readings] } : event;
    // Long bursts stay bounded in memory, not only on the wire.
    if (w.pending.readings.length > 4 * this.perMetric * 16) w.pending = this.trim(w.pending);
    this.waiting.add(event.deviceId);
    this.schedule();
  }

  /** Sends every merged event now (at shutdown, so nothing stored goes unannounced). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const id of this.waiting) this.send(id, this.now());
    this.waiting.clear();
  }

  private schedule(): void {
    if (this.timer) return;
    let due = Infinity;
    for (const id of this.waiting) due = Math.min(due, this.windows.get(id)!.sentAt + this.intervalMs);
    this.timer = setTimeout(() => this.tick(), Math.max(0, due - this.now()));
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    const at = this.now();
    for (const id of this.waiting) {
      if (this.windows.get(id)!.sentAt + this.intervalMs > at) continue;
      this.send(id, at);
      this.waiting.delete(id);
    }
    if (this.waiting.size > 0) this.schedule();
  }

  private send(id: string, at: number): void {
    const w = this.windows.get(id)!;
    if (!w.pending) return;
    const event = this.trim(w.pending);
    w.pending = null;
    w.sentAt = at;
    this.bus.publish('telemetry.stored', event);
  }

  /** The latest `perMetric` readings of each metric, in their original order. */
  private trim(event: Stored): Stored {
    const seen = new Map<string, number>();
    const kept: Reading[] = [];
    for (let i = event.readings.length - 1; i >= 0; i--) {
      const r = event.readings[i]!;
      const n = seen.get(r.metric) ?? 0;
      if (n >= this.perMetric) continue;
      seen.set(r.metric, n + 1);
      kept.push(r);
    }
    if (kept.length === event.readings.length) return event;
    return { ...event, readings: kept.reverse() };
  }
}
