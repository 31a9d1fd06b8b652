import type { Selectable } from 'kysely';
import type { CasesRepository } from './cases.repository.js';
import type { CaseCategoriesTable } from './cases.tables.js';

/**
 * The case center's types for other modules: rows and filters they receive from or hand to
 * CaseService and CaseConfigService. Other modules import these, never cases.tables.ts, and
 * never query the case tables themselves (module boundaries, ADR 0025).
 */

/** A case category (the Open311 services, the metrics' category groups). */
export type CategoryRow = Selectable<CaseCategoriesTable>;

// ---- public reads (CaseService.publicCases: anonymous Open311 GET requests) ----
export interface PublicCaseFilter {
  refs?: string[] | undefined;
  caseId?: string | undefined;
  categoryCodes?: string[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  states?: readonly string[] | undefined;
  unitPath?: string | undefined;
  /** Categories never shown publicly (with their sub-categories). */
  hiddenCategoryIds: string[];
  limit: number;
}

/** Only what a public service request may show: no reporter, assignee or staff names, no contact. */
export type PublicCaseRow = Awaited<ReturnType<CasesRepository['publicCases']>>[number];

// ---- governance figures (CaseService.figures, for the metrics module) ----
/** How the cohort is split; `category` carries each category's group (the chosen node's child). */
export type CaseFiguresGrouping =
  | { kind: 'none' }
  | { kind: 'unit'; parentPath: string }
  | { kind: 'category'; groupOf: Map<string, string> }
  | { kind: 'month' };

export interface CaseFiguresFilter {
  unitPath: string;
  from: Date;
  to: Date;
  asOf: Date;
  /** Restricts the cohort to these categories (a category and its descendants). */
  categoryIds: string[] | null;
  grouping: CaseFiguresGrouping;
}

/** One aggregate row: the whole cohort (`is_total`) or one group of it. Durations in seconds. */
export interface CaseFiguresRow {
  grp: string | null;
  is_total: boolean;
  total: number;
  open: number;
  resolved: number;
  closed: number;
  rejected: number;
  duplicate: number;
  resp_n: number;
  resp_p50: number | null;
  resp_p90: number | null;
  res_n: number;
  res_p50: number | null;
  res_p90: number | null;
  resp_on_time: number;
  resp_late: number;
  res_on_time: number;
  res_late: number;
  ever_resolved: number;
  reopened: number;
  sat_n: number;
  sat_mean: number | null;
  sat_1: number;
  sat_2: number;
  sat_3: number;
  sat_4: number;
  sat_5: number;
}
