import type { BusEvents, EventBus } from '../../platform/bus/event-bus.js';

export interface LiveEvent {
  id: number;
  type: string;
  orgUnitPath: string;
  data: unknown;
}

const LIVE_TOPICS = [
  'telemetry.stored',
  'device.event',
  'device.active',
  'device.inactive',
  'device.connected',
  'device.disconnected',
] as const;

/**
 * Fans bus events out to live connections (server-sent events). Events get increasing ids and the
 * last `capacity` are kept, so a browser that reconnects with Last-Event-ID gets what it missed.
 */
export class LiveHub {
  private seq = 0;
  private readonly ring: LiveEvent[] = [];
  private readonly listeners = new Set<(e: LiveEvent) => void>();

  constructor(
    bus: EventBus,
    private readonly capacity = 5000,
  ) {
    for (const topic of LIVE_TOPICS) {
      bus.subscribe(topic, (payload: BusEvents[typeof topic]) =>
        this.push(topic, payload.orgUnitPath, payload),
      );
    }
  }

  private push(type: string, orgUnitPath: string, payload: { orgUnitPath: string }): void {
    const { orgUnitPath: _omit, ...data } = payload;
    const e: LiveEvent = { id: ++this.seq, type, orgUnitPath, data };
    this.ring.push(e);
    if (this.ring.length > this.capacity) this.ring.splice(0, this.ring.length - this.capacity);
    for (const l of this.listeners) l(e);
  }

  /** Events after `lastId` still in memory, oldest first. */
  since(lastId: number): LiveEvent[] {
    return this.ring.filter((e) => e.id > lastId);
  }

  listen(fn: (e: LiveEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Live connections open in this process. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  get lastId(): number {
    return this.seq;
  }
}
