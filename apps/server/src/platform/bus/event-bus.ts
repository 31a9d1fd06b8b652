import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';

/**
 * Events that cross module boundaries. Modules publish facts here instead of calling each other,
 * so later modules (rules and alarms, cases) subscribe without the publishers knowing them.
 * Modules add their own events by augmenting this interface.
 */
export interface BusEvents {
  'telemetry.stored': {
    deviceId: string;
    code: string;
    orgUnitPath: string;
    readings: { metric: string; ts: string; value: number | string | null; outlier: boolean }[];
  };
  'device.event': {
    deviceId: string;
    code: string;
    orgUnitPath: string;
    kind: string;
    ts: string;
    data: Record<string, unknown>;
  };
  'device.active': { deviceId: string; code: string; orgUnitPath: string; at: string };
  'device.inactive': { deviceId: string; code: string; orgUnitPath: string; lastSeenAt: string | null };
  'device.connected': { deviceId: string; code: string; orgUnitPath: string; at: string };
  'device.disconnected': { deviceId: string; code: string; orgUnitPath: string; at: string };
  /** A device's registry entry or credentials changed; caches drop it. `null`: drop everything. */
  'device.changed': { deviceId: string | null };
}

export type Topic = Extract<keyof BusEvents, string>;

/** A work-queued event's handler. `id` is the event's, the same on every redelivery. */
export type WorkHandler<K extends Topic> = (payload: BusEvents[K], id: string) => Promise<void>;

/**
 * How events leave the process (ADR 0024). Broadcast events reach every other process once, while
 * it is connected; work events are kept until one process of each consuming group has handled them.
 */
export interface BusTransport {
  readonly name: string;
  /** Whether the transport's connection is up now (for /readyz); it reconnects by itself. */
  readonly connected: boolean;
  /** Sends to every other process; never back to this one (its subscribers already have it). */
  broadcast(topic: Topic, payload: unknown): void;
  /** Called for each broadcast event another process sent; resolves once the server has the subscription. */
  onBroadcast(deliver: (topic: Topic, payload: unknown) => void): Promise<void>;
  /** Resolves once the event is stored for every consuming group. */
  enqueue(topic: Topic, id: string, payload: unknown): Promise<void>;
  /**
   * Hands each event of `topic` to one process of `group`; the event is settled when `handler`
   * resolves and offered again (here or in another process) when it rejects or the process dies.
   */
  consume(
    topic: Topic,
    group: string,
    handler: (payload: unknown, id: string) => Promise<void>,
  ): Promise<void>;
  close(): Promise<void>;
}

/**
 * The bus: broadcast events (`publish`/`subscribe`: every process, for live views and cache
 * invalidation) and work-queued events (`enqueue`/`consume`: one process per consuming group, for
 * rules and notifications). In-process until a transport is attached (`BUS_URL`, ADR 0024);
 * publishers and subscribers never see which.
 */
export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly workers = new Map<string, Map<string, (payload: unknown, id: string) => Promise<void>>>();
  private transport: BusTransport | null = null;
  private consuming = true;

  constructor(private readonly log?: Logger) {
    // Subscribers are modules plus one per live connection; the default cap of 10 is meaningless here.
    this.emitter.setMaxListeners(0);
  }

  get transportName(): string {
    return this.transport?.name ?? 'in-process';
  }

  /**
   * Carries events across processes from now on. Consumers registered before are handed to the
   * transport, so modules need not know when (or whether) it was attached. With `consume: false`
   * this process only publishes and enqueues: its work consumers stay idle and the processes that
   * do consume (the `jobs` role, ADR 0023) handle its work events; a CLI command attaches so.
   */
  async attach(transport: BusTransport, opts: { consume?: boolean } = {}): Promise<void> {
    await transport.onBroadcast((topic, payload) => this.emitter.emit(topic, payload));
    this.transport = transport;
    this.consuming = opts.consume ?? true;
    if (!this.consuming) return;
    for (const [topic, groups] of this.workers)
      for (const [group, handler] of groups) await transport.consume(topic as Topic, group, handler);
  }

  async close(): Promise<void> {
    const t = this.transport;
    this.transport = null;
    await t?.close();
  }

  /** Every subscriber in every process gets it; a process that is down misses it. */
  publish<K extends Topic>(topic: K, payload: BusEvents[K]): void {
    this.emitter.emit(topic, payload);
    this.transport?.broadcast(topic, payload);
  }

  subscribe<K extends Topic>(topic: K, handler: (payload: BusEvents[K]) => void): () => void {
    // A failing subscriber must not break the publisher or the other subscribers.
    const safe = (p: BusEvents[K]) => {
      try {
        handler(p);
      } catch {
        /* the subscriber logs its own failures */
      }
    };
    this.emitter.on(topic, safe);
    return () => this.emitter.off(topic, safe);
  }

  /**
   * One process of each consuming group handles it, at least once: it is kept while consumers are
   * down and offered again when a handler fails or its process dies, so handlers are idempotent
   * on the event's `id` or on the payload's own key. Resolves once the event is stored.
   */
  async enqueue<K extends Topic>(topic: K, payload: BusEvents[K]): Promise<string> {
    const id = randomUUID();
    if (this.transport) {
      await this.transport.enqueue(topic, id, payload);
      return id;
    }
    for (const [group, handler] of this.workers.get(topic) ?? []) {
      void this.handleLocally(topic, group, handler, payload, id);
    }
    return id;
  }

  /**
   * Registers this process as a consumer of `topic` in `group` (one group per purpose); the
   * promise settles once an attached transport has the consumer.
   */
  consume<K extends Topic>(topic: K, group: string, handler: WorkHandler<K>): Promise<void> {
    const groups =
      this.workers.get(topic) ?? new Map<string, (payload: unknown, id: string) => Promise<void>>();
    if (groups.has(group)) throw new Error(`${group} already consumes ${topic}`);
    const untyped = handler as (payload: unknown, id: string) => Promise<void>;
    groups.set(group, untyped);
    this.workers.set(topic, groups);
    return this.transport && this.consuming
      ? this.transport.consume(topic, group, untyped)
      : Promise.resolve();
  }

  // In-process there is nothing to redeliver from: a failed handler is retried a few times.
  private async handleLocally(
    topic: Topic,
    group: string,
    handler: (payload: unknown, id: string) => Promise<void>,
    payload: unknown,
    id: string,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(payload, id);
        return;
      } catch (e) {
        if (attempt >= 3) {
          this.log?.error({ err: e, topic, group, id }, 'work event dropped after three failed attempts');
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }
}
