import type { Json, Timestamp } from '../../platform/db/schema.js';

/**
 * Readings, rollups, latest state and device events (migration 0005 and later). The module's own tables: it alone reads and writes them (ADR 0030).
 * They join the platform's `DB` by declaration merging, as bus events do, so the platform never
 * imports a module; `schema-drift.int.test.ts` checks them against the migrations.
 */
declare module '../../platform/db/schema.js' {
  interface DB {
    device_rejections: DeviceRejectionsTable;
    device_state: DeviceStateTable;
    telemetry_1m: RollupTable;
    telemetry_1h: RollupTable;
    device_events: DeviceEventsTable;
    telemetry: TelemetryTable;
  }
}

export interface DeviceStateTable {
  device_id: string;
  metric: string;
  ts: Date;
  num: number | null;
  txt: string | null;
  outlier: boolean;
}

export interface RollupTable {
  device_id: string;
  metric: string;
  bucket: Date;
  min: number;
  max: number;
  sum: number;
  count: number;
}

export interface DeviceEventsTable {
  device_id: string;
  ts: Date;
  kind: string;
  data: Json<Record<string, unknown>>;
  received_at: Timestamp;
}

export interface TelemetryTable {
  device_id: string;
  metric: string;
  ts: Date;
  num: number | null;
  txt: string | null;
  outlier: boolean;
  received_at: Timestamp;
}

/** Refused readings per device and reason, counted by the ingest path; the device page shows them. */
export interface DeviceRejectionsTable {
  device_id: string;
  reason: string;
  count: number;
  last_at: Date;
}
