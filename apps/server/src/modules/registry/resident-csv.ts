import { residentCsvColumns } from '@civitas/contracts/registry';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

const yes = new Set(['1', 'true', 'yes', 'y', '是']);
const no = new Set(['', '0', 'false', 'no', 'n', '否']);
const flag = z
  .string()
  .default('')
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => yes.has(v) || no.has(v), 'use 1/0, true/false, yes/no or 是/否')
  .transform((v) => yes.has(v));
// A column may be absent from the file altogether, or present and empty: both mean "no value".
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? null : v.trim()));

/** One CSV row, as text, checked field by field. Column names follow residentCsvColumns. */
export const residentCsvRow = z.object({
  name: z
    .string({ message: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(100, 'is longer than 100 characters'),
  phone: optional.pipe(
    z
      .string()
      .regex(/^\+?[0-9][0-9 -]{5,19}$/, 'is not a phone number')
      .nullable(),
  ),
  id_number: optional.transform((v) => v?.toUpperCase() ?? null),
  birth_date: optional.pipe(z.iso.date('is not a date (YYYY-MM-DD)').nullable()),
  gender: optional.transform((v, c) => {
    const g = { 男: 'male', 女: 'female', male: 'male', female: 'female', m: 'male', f: 'female' }[
      v?.toLowerCase() ?? ''
    ];
    if (v && !g) c.addIssue({ code: 'custom', message: 'use male/female or 男/女' });
    return (g ?? 'unknown') as 'male' | 'female' | 'unknown';
  }),
  building_code: optional,
  unit_no: optional.pipe(z.string().max(20, 'is longer than 20 characters').nullable()),
  grid_code: optional,
  elderly_living_alone: flag,
  disability: flag,
  child: flag,
  needs_assistance: flag,
});
export type ResidentCsvRow = z.infer<typeof residentCsvRow>;

export interface ParsedCsv {
  rows: { line: number; raw: Record<string, string> }[];
  /** Lines the CSV parser itself could not read (bad quoting, wrong column count). */
  broken: { line: number; message: string }[];
}

/** RFC 4180 parsing; a UTF-8 BOM (as spreadsheets write it) is accepted and dropped. */
export function parseResidentCsv(data: Buffer): ParsedCsv {
  const broken: ParsedCsv['broken'] = [];
  const records: { record: Record<string, string>; info: { lines: number } }[] = parse(data, {
    bom: true,
    columns: (header: string[]) => {
      const cols = header.map((h) => h.trim().toLowerCase());
      const missing = ['name'].filter((c) => !cols.includes(c));
      if (missing.length > 0)
        throw new CsvHeaderError(`the header lacks the column(s): ${missing.join(', ')}`);
      const unknown = cols.filter((c) => !(residentCsvColumns as readonly string[]).includes(c));
      if (unknown.length > 0) throw new CsvHeaderError(`unknown column(s): ${unknown.join(', ')}`);
      return cols;
    },
    skip_empty_lines: true,
    info: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      if (err) broken.push({ line: (err as { lines?: number }).lines ?? 0, message: err.message });
      return undefined;
    },
  });
  return { rows: records.map((r) => ({ line: r.info.lines, raw: r.record })), broken };
}

export class CsvHeaderError extends Error {}
