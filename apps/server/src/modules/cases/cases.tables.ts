import type {
  ColumnType,
  Generated,
  GeneratedAlways,
  Kysely,
  Selectable,
  Transaction,
  Updateable,
} from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/**
 * Kysely's view of the case tables (migrations/0007_cases.sql). They live with the module and are
 * joined onto the platform's DB type with `withTables`, so the case center stays one folder.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface CaseCategoriesTable {
  id: Generated<string>;
  code: string;
  parent_id: string | null;
  name_zh: string;
  name_en: string;
  department: string | null;
  response_hours: number;
  resolution_hours: number;
  requires_photo: boolean;
  duplicate_radius_m: number;
  attributes: Json<unknown[]>;
  active: boolean;
  sort: number;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoutingRulesTable {
  id: Generated<string>;
  category_id: string | null;
  org_unit_id: string;
  target_unit_id: string | null;
  target_department: string | null;
  target_role: string;
  priority: number;
  note: string;
  version: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CasesTable {
  id: Generated<string>;
  ref: string;
  channel: string;
  source_ref: string | null;
  /** Whose idempotency key source_ref is (migration 0020): `user:<id>`, `open311:<key id>`, `alarm`. */
  source_submitter: string | null;
  category_id: string;
  title: string;
  /** Migration 0030: the code of a title the system wrote (case-titles.ts); null: a person's. */
  title_code: string | null;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  h3: string;
  org_unit_id: string;
  attributes: Json<Record<string, unknown>>;
  state: string;
  paused_from: string | null;
  paused_at: Date | null;
  reporter_id: string | null;
  created_by: string | null;
  responsible_unit_id: string;
  responsible_department: string | null;
  responsible_role: string;
  assignee_id: string | null;
  escalation_level: Generated<number>;
  supervised: Generated<boolean>;
  supervised_by_unit_id: string | null;
  supervised_at: Date | null;
  supervision_note: string | null;
  response_due_at: Date;
  resolution_due_at: Date;
  response_reminded: Generated<boolean>;
  resolution_reminded: Generated<boolean>;
  responded_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  resolution_note: string | null;
  rejection_reason: string | null;
  duplicate_of: string | null;
  satisfaction: number | null;
  /** Metric facts (migration 0013): paused time ended by resumes, and at the first assignment. */
  paused_ms: Generated<number>;
  response_paused_ms: number | null;
  resolve_count: Generated<number>;
  reopen_count: Generated<number>;
  /** The deadline of the current state (migration 0015): computed by the database. */
  due_at: GeneratedAlways<Date | null>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

type Sealed = ColumnType<string | null, string | null | undefined, string | null>;

/**
 * The caller's sealed contact (migration 0011, case-contact.ts). Kept apart from `CasesTable` so
 * the insert shape of a case stays as it is; intake writes these in the same transaction.
 */
export interface CaseContactColumns {
  contact_name_enc: Sealed;
  contact_name_mask: Sealed;
  contact_phone_enc: Sealed;
  contact_phone_mask: Sealed;
}

export interface CaseEventsTable {
  id: Generated<string>;
  seq: Generated<number>;
  case_id: string;
  at: Date;
  actor_id: string | null;
  actor_name: string | null;
  actor_role: string | null;
  action: string;
  from_state: string | null;
  to_state: string | null;
  visibility: 'public' | 'internal';
  note: string | null;
  data: Json<Record<string, unknown>>;
}

export interface CaseFollowersTable {
  case_id: string;
  user_id: string;
  reason: 'reporter' | 'merged' | 'follow';
  created_at: Timestamp;
}

export interface CaseAttachmentsTable {
  id: Generated<string>;
  case_id: string;
  storage_key: string;
  file_name: Generated<string>;
  mime: string;
  size: number;
  sha256: string;
  purpose: Generated<'report' | 'resolution' | 'other'>;
  created_by: string | null;
  created_at: Timestamp;
}

export type CaseTables = {
  case_categories: CaseCategoriesTable;
  routing_rules: RoutingRulesTable;
  cases: CasesTable & CaseContactColumns;
  case_events: CaseEventsTable;
  case_followers: CaseFollowersTable;
  case_attachments: CaseAttachmentsTable;
};

export type CaseDB = DB & CaseTables;
export type CaseExecutor = Kysely<CaseDB> | Transaction<CaseDB>;
export type RoutingRuleRow = Selectable<RoutingRulesTable>;
export type CaseRow = Selectable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;

/** The case center's own view of the database; no other module calls it (they ask CaseService). */
export const withCaseTables = (db: Kysely<DB>): Kysely<CaseDB> => db.withTables<CaseTables>();

/** A platform transaction seen with the case tables: the same connection, wider types. */
export const caseTx = (trx: Transaction<DB>): Transaction<CaseDB> => trx.withTables<CaseTables>();
export type CaseUpdate = Updateable<CasesTable>;

/**
 * The audit log and notifications take the platform's transaction type; a transaction that knows
 * more tables is the same connection, so handing it over is safe.
 */
export const baseTx = (trx: Transaction<CaseDB>): Transaction<DB> => trx as unknown as Transaction<DB>;
