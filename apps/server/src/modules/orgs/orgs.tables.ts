import type { Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/schema.js';

/**
 * The administrative tree (migrations 0001, 0013, 0027). The module's own tables: it alone reads and writes them (ADR 0030).
 * They join the platform's `DB` by declaration merging, as bus events do, so the platform never
 * imports a module; `schema-drift.int.test.ts` checks them against the migrations.
 */
declare module '../../platform/db/schema.js' {
  interface DB {
    org_units: OrgUnitsTable;
    org_unit_cells: OrgUnitCellsTable;
  }
}

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
  /** 'active' or 'retired' (ADR 0043): a retired unit stays for history, never takes new records. */
  status: Generated<string>;
  retired_at: Timestamp | null;
  /** The unit a merge moved this one's records into. */
  merged_into_id: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrgUnitCellsTable {
  h3: string;
  unit_id: string;
}

export type OrgUnitRow = Selectable<OrgUnitsTable>;
