import type { ColumnType, Generated, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/**
 * Kysely's view of migrations/0009_open311.sql. The case tables are not in it: cases are read and
 * written through CaseService (module boundaries, ADR 0025).
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface Open311ApiKeysTable {
  id: Generated<string>;
  name: string;
  prefix: string;
  key_hash: string;
  org_unit_id: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

export interface Open311RequestsTable {
  case_id: string;
  api_key_id: string;
  media_url: string | null;
  address_id: string | null;
  contact_enc: string | null;
  email_mask: string | null;
  phone_mask: string | null;
  name_mask: string | null;
  created_at: Timestamp;
}

export type Open311Tables = {
  open311_api_keys: Open311ApiKeysTable;
  open311_requests: Open311RequestsTable;
};

export type Open311DB = DB & Open311Tables;
export type ApiKeyRow = Selectable<Open311ApiKeysTable>;

export const withOpen311Tables = (db: Kysely<DB>): Kysely<Open311DB> => db.withTables<Open311Tables>();

/** The case intake's transaction seen with the Open311 tables (the same connection, wider types). */
export const asOpen311Tx = (trx: Transaction<DB>): Transaction<Open311DB> => trx.withTables<Open311Tables>();
