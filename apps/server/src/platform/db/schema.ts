import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/**
 * Kysely's view of the platform's tables created by apps/server/migrations (modules declare
 * theirs in `*.tables.ts`). Keep the two in step: `schema-drift.int.test.ts` compares every
 * declared table and column with what the migrations create, on both engines.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface OrgUnitsTable {
  id: Generated<string>;
  code: string;
  type: string;
  name_zh: string;
  name_en: string;
  parent_id: string | null;
  path: string;
  depth: number;
  boundary: Json<unknown> | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrgUnitCellsTable {
  h3: string;
  unit_id: string;
}

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

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  kind: 'staff' | 'resident';
  password_hash: string;
  locale: Generated<string>;
  disabled_at: Date | null;
  totp_secret_enc: string | null;
  totp_enabled: Generated<boolean>;
  totp_last_step: number | null;
  resident_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoleGrantsTable {
  id: Generated<string>;
  user_id: string;
  role: string;
  org_unit_id: string;
  department: string | null;
  created_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_at: Timestamp;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
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
}

export interface BuildingsTable {
  id: Generated<string>;
  code: string;
  name: string;
  address: string;
  grid_id: string;
  lat: number;
  lng: number;
  h3: string;
  floors: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HouseholdsTable {
  id: Generated<string>;
  building_id: string;
  unit_no: string;
  created_at: Timestamp;
}

export interface ResidentsTable {
  id: Generated<string>;
  org_unit_id: string;
  building_id: string | null;
  household_id: string | null;
  name_enc: string;
  name_mask: string;
  phone_enc: string | null;
  phone_mask: string | null;
  phone_hash: string | null;
  id_number_enc: string | null;
  id_number_mask: string | null;
  id_number_hash: string | null;
  birth_date: string | null;
  gender: Generated<string>;
  elderly_living_alone: Generated<boolean>;
  disability: Generated<boolean>;
  child: Generated<boolean>;
  needs_assistance: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
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
  errors: Json<{ line: number; field: string | null; message: string }[]>;
  created_by: string;
  started_at: Timestamp;
  finished_at: Date | null;
}

export interface DeviceProfilesTable {
  id: Generated<string>;
  code: string;
  name_zh: string;
  name_en: string;
  entity_type: string;
  metrics: Json<unknown[]>;
  events: Json<string[]>;
  reporting_interval_s: number;
  inactivity_timeout_s: number;
  raw_retention_days: number;
  rollup_retention_days: number;
  builtin: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeyGroupsTable {
  id: Generated<string>;
  name: string;
  apikey_hash: string;
  apikey_prefix: string;
  /** The key sealed with the field cipher (0018); null for keys created before. */
  apikey_sealed: string | null;
  org_unit_id: string;
  created_at: Timestamp;
  revoked_at: Date | null;
}

export interface DevicesTable {
  id: Generated<string>;
  code: string;
  name: string;
  profile_id: string;
  org_unit_id: string;
  lat: number;
  lng: number;
  h3: string;
  install_date: string | null;
  status: Generated<'active' | 'maintenance' | 'retired'>;
  token_hash: string | null;
  token_prefix: string | null;
  /** The token sealed with the field cipher (0018); null for tokens issued before. */
  token_sealed: string | null;
  api_key_group_id: string | null;
  connectivity: Generated<'never' | 'active' | 'inactive'>;
  connected: Generated<boolean>;
  last_seen_at: Date | null;
  readings_count: Generated<number>;
  outlier_count: Generated<number>;
  error_count: Generated<number>;
  last_error: string | null;
  last_error_at: Date | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DeviceRejectionsTable {
  device_id: string;
  reason: string;
  count: number;
  last_at: Date;
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

export interface DB {
  org_units: OrgUnitsTable;
  org_unit_cells: OrgUnitCellsTable;
  system_settings: SystemSettingsTable;
  rate_counters: RateCountersTable;
  job_schedule: JobScheduleTable;
  bus_groups: BusGroupsTable;
  bus_work: BusWorkTable;
  bus_broadcast_overflow: BusBroadcastOverflowTable;
  access_epoch: EpochTable;
  registry_epoch: EpochTable;
  users: UsersTable;
  role_grants: RoleGrantsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  buildings: BuildingsTable;
  households: HouseholdsTable;
  residents: ResidentsTable;
  import_jobs: ImportJobsTable;
  device_profiles: DeviceProfilesTable;
  api_key_groups: ApiKeyGroupsTable;
  devices: DevicesTable;
  device_rejections: DeviceRejectionsTable;
  device_state: DeviceStateTable;
  telemetry_1m: RollupTable;
  telemetry_1h: RollupTable;
  device_events: DeviceEventsTable;
  telemetry: TelemetryTable;
}

export type OrgUnitRow = Selectable<OrgUnitsTable>;
export type UserRow = Selectable<UsersTable>;
export type ResidentRow = Selectable<ResidentsTable>;
export type NewResident = Insertable<ResidentsTable>;
export type BuildingRow = Selectable<BuildingsTable>;
export type DeviceRow = Selectable<DevicesTable>;
export type DeviceProfileRow = Selectable<DeviceProfilesTable>;
