import {
  importRowErrorCodes,
  type ImportRowError,
  type ImportRowErrorCode,
} from '@civitas/contracts/imports';
import type { z } from 'zod';

type Params = ImportRowError['params'];

/** The English of each row error, for logs, the CLI and integrators; the web renders the code. */
const english: Record<ImportRowErrorCode, (p: Params) => string> = {
  line_unreadable: (p) => `could not be read (${p.detail ?? 'bad quoting or column count'})`,
  required: () => 'is required',
  too_long: (p) => `is longer than ${p.max} characters`,
  too_short: (p) => `must be at least ${p.min} characters`,
  not_phone: () => 'is not a phone number',
  not_date: () => 'is not a date (YYYY-MM-DD)',
  not_number: () => 'is not a number',
  too_large: (p) => `must be at most ${p.max}`,
  too_small: (p) => `must be at least ${p.min}`,
  bad_gender: () => 'use male/female or 男/女',
  bad_flag: () => 'use 1/0, true/false, yes/no or 是/否',
  bad_status: () => 'use active, maintenance or retired',
  bad_device_code: () => 'may hold only letters, digits, ".", "_", ":" and "-"',
  bad_id_number: (p) => `${p.reason}`,
  birth_date_mismatch: (p) => `does not match the birth date in the ID number (${p.embedded})`,
  building_not_found: (p) => `${p.value} does not exist`,
  grid_not_found: (p) => `${p.value} is not a grid`,
  unit_retired: (p) => `${p.value} is retired (ADR 0043): use the unit it merged into`,
  unit_not_found: (p) => `${p.value} does not exist`,
  place_required: () => 'give building_code or grid_code',
  outside_area: () => 'the place lies outside your area',
  id_number_repeats: (p) => `repeats line ${p.line}`,
  id_number_taken: () => 'is already registered in your area',
  refused: (p) => `refused (${p.reason}): ${p.detail ?? ''}`,
  store_failed: () => 'could not be stored: database error',
};

export function rowError(
  line: number,
  field: string | null,
  code: ImportRowErrorCode,
  params: Params = {},
): ImportRowError {
  return { line, field, code, params, message: `${field ?? 'row'} ${english[code](params)}` };
}

const known = new Set<string>(importRowErrorCodes);

/**
 * A row's first zod issue as a row error. Schemas name the code as the issue's message where they
 * can ('required', 'not_phone'); the rest follow from the kind of issue.
 */
export function rowErrorFromIssue(line: number, issue: z.core.$ZodIssue): ImportRowError {
  const field = issue.path.length > 0 ? String(issue.path[0]) : null;
  const bounds = boundsOf(issue);
  if (known.has(issue.message)) return rowError(line, field, issue.message as ImportRowErrorCode);
  switch (issue.code) {
    case 'too_big':
      return issue.origin === 'string'
        ? rowError(line, field, 'too_long', bounds)
        : rowError(line, field, 'too_large', bounds);
    case 'too_small':
      return issue.origin === 'string'
        ? rowError(line, field, 'too_short', bounds)
        : rowError(line, field, 'too_small', bounds);
    case 'invalid_type':
      return rowError(line, field, issue.input === undefined ? 'required' : 'not_number');
    case 'invalid_format':
      return rowError(line, field, 'not_date');
    default:
      return rowError(line, field, 'refused', { reason: 'validation_failed', detail: issue.message });
  }
}

function boundsOf(issue: z.core.$ZodIssue): Params {
  const p: Params = {};
  if (issue.code === 'too_big') p.max = Number(issue.maximum);
  if (issue.code === 'too_small') p.min = Number(issue.minimum);
  return p;
}
