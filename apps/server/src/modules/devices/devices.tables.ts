import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/schema.js';

/**
 * The device registry (migration 0005 and later). The module's own tables: it alone reads and writes them (ADR 0030).
 * They join the platform's `DB` by declaration merging, as bus events do, so the platform never
 * imports a module; `schema-drift.int.test.ts` checks them against the migrations.
 */
declare module '../../platform/db/schema.js' {
  interface DB {
    device_profiles: DeviceProfilesTable;
    api_key_groups: ApiKeyGroupsTable;
    devices: DevicesTable;
    device_import_tokens: DeviceImportTokensTable;
  }
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
  /** Set when retired (0025): its devices keep working, new devices cannot choose it. */
  retired_at: Generated<Date | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Tokens an import minted, sealed, until fetched once or expired (0025, device-import-tokens.ts). */
export interface DeviceImportTokensTable {
  job_id: string;
  device_code: string;
  token_sealed: string;
  user_id: string;
  expires_at: Date;
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

export type DeviceRow = Selectable<DevicesTable>;
export type DeviceProfileRow = Selectable<DeviceProfilesTable>;
