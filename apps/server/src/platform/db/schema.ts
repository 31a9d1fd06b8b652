import type { ColumnType, Generated } from 'kysely';
import type { ImportRowErrorCode } from '@civitas/contracts/imports';

/**
 * Kysely's view of the platform's own tables created by apps/server/migrations (settings, rate
 * counters, jobs, bus, epochs, audit, import jobs). Each module declares its tables next to it in
 * `<domain>.tables.ts` and merges them into `DB` below (ADR 0030), so the platform never imports a
 * module. Keep them in step with the migrations: `schema-drift.int.test.ts` compares every
 * declared table and column with what the migrations create, on both engines.
 */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type Json<T> = ColumnType<T, string, string>;

/** migrations/0017: cross-process rate limit counters (platform/rate-limit). */
export interface RateCountersTable {
  key: string;
  window_start: Date;
  hits: number;
}

/** A one-row counter bumped on every change of its kind; caches compare it (ADR 0011, ADR 0016). */
export interface EpochTable {
  id: number;
  n: number;
}

export interface JobScheduleTable {
  name: string;
  every_ms: number;
  holder: string | null;
  lease_until: Date | null;
  last_started_at: Date | null;
  last_finished_at: Date | null;
  last_outcome: 'ok' | 'failed' | null;
  last_error: string | null;
  last_duration_ms: number | null;
  runs: Generated<number>;
}

/** migrations/0023: the event bus's work queue and oversized broadcasts (platform/bus/pg-transport.ts). */
export interface BusGroupsTable {
  topic: string;
  consumer_group: string;
  registered_at: Generated<Date>;
}

export interface BusWorkTable {
  id: Generated<number>;
  event_id: string;
  topic: string;
  consumer_group: string;
  payload: unknown;
  enqueued_at: Generated<Date>;
  available_at: Generated<Date>;
  deliveries: Generated<number>;
  holder: string | null;
  lease_until: Date | null;
}

export interface BusBroadcastOverflowTable {
  id: Generated<number>;
  payload: string;
  created_at: Generated<Date>;
}

export interface SystemSettingsTable {
  key: string;
  value: string;
  updated_at: Timestamp;
}

export interface AuditLogTable {
  seq: number;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  actor_unit_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_unit_id: string | null;
  request_id: string | null;
  ip: string | null;
  detail: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
  /** migrations/0026: the chain key the head was written with (ADR 0042). */
  key_id: string | null;
}

/** migrations/0026: how far `civitas key rotate` got in each table (ADR 0042). */
export interface KeyRotationProgressTable {
  table_name: string;
  target_key: string;
  after_id: string | null;
  scanned: ColumnType<string | number, number | undefined, number>;
  rewritten: ColumnType<string | number, number | undefined, number>;
  started_at: Timestamp;
  finished_at: Date | null;
}

/** migrations/0026: audit roots of earlier keys, sealed under the current key (ADR 0042). */
export interface AuditChainKeysTable {
  key_id: string;
  sealed: string;
  created_at: Timestamp;
}

export interface ImportJobsTable {
  id: Generated<string>;
  kind: string;
  file_name: string;
  status: 'running' | 'done' | 'failed';
  total_rows: number | null;
  processed_rows: Generated<number>;
  imported_rows: Generated<number>;
  rejected_rows: Generated<number>;
  /** Row errors; those of imports run before ADR 0049 lack `code` and `params`. */
  errors: Json<
    {
      line: number;
      field: string | null;
      message: string;
      code?: ImportRowErrorCode;
      params?: Record<string, string | number>;
    }[]
  >;
  created_by: string;
  started_at: Timestamp;
  finished_at: Date | null;
}

/** migrations/0024: attachments kept in the database (platform/files/database-file-store.ts, ADR 0040). */
export interface FileObjectsTable {
  key: string;
  /** NULL until the put completes, like the other two below. */
  size: number | null;
  sha256: string | null;
  chunk_count: number | null;
  started_at: Generated<Date>;
  completed_at: Date | null;
}

export interface FileChunksTable {
  key: string;
  seq: number;
  data: Uint8Array;
}

export interface DB {
  system_settings: SystemSettingsTable;
  rate_counters: RateCountersTable;
  job_schedule: JobScheduleTable;
  bus_groups: BusGroupsTable;
  bus_work: BusWorkTable;
  bus_broadcast_overflow: BusBroadcastOverflowTable;
  access_epoch: EpochTable;
  registry_epoch: EpochTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  key_rotation_progress: KeyRotationProgressTable;
  audit_chain_keys: AuditChainKeysTable;
  import_jobs: ImportJobsTable;
  file_objects: FileObjectsTable;
  file_chunks: FileChunksTable;
}
