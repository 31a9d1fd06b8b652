import type { Generated, Insertable, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.js';

/**
 * Buildings, households and residents, personal fields sealed (migration 0004 and later). The module's own tables: it alone reads and writes them (ADR 0030).
 * They join the platform's `DB` by declaration merging, as bus events do, so the platform never
 * imports a module; `schema-drift.int.test.ts` checks them against the migrations.
 */
declare module '../../platform/db/schema.js' {
  interface DB {
    buildings: BuildingsTable;
    households: HouseholdsTable;
    residents: ResidentsTable;
  }
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
  /** Keyed digests of the name's lookup forms (ADR 0045); null until the backfill reached the row. */
  name_index: string[] | null;
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

export type ResidentRow = Selectable<ResidentsTable>;
export type NewResident = Insertable<ResidentsTable>;
export type BuildingRow = Selectable<BuildingsTable>;
