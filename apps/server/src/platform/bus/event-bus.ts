import { EventEmitter } from 'node:events';

/**
 * Events that cross module boundaries. Modules publish facts here instead of calling each other,
 * so later modules (rules and alarms, cases) subscribe without the publishers knowing them.
 * In-process today; a multi-process deployment swaps the transport, not the callers.
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

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    // Subscribers are modules plus one per live connection; the default cap of 10 is meaningless here.
    this.emitter.setMaxListeners(0);
  }

  publish<K extends keyof BusEvents>(topic: K, payload: BusEvents[K]): void {
    this.emitter.emit(topic, payload);
  }

  subscribe<K extends keyof BusEvents>(topic: K, handler: (payload: BusEvents[K]) => void): () => void {
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
}
