import { AppError } from '../errors/errors.js';
import type { TabularFile } from './tabular-file.js';

/** One column an import knows: its field, its header in each template language, and other names offices use. */
export interface ColumnSpec {
  field: string;
  required: boolean;
  en: string;
  zh: string;
  /** Further headers seen in real registers (联系电话, 身份证号码…), matched after normalising. */
  aliases?: string[];
}

export interface ColumnMapping {
  columns: { header: string; field: string | null }[];
  missing: string[];
}

/**
 * A header as offices write it: case, spaces, a required-mark `*` and a trailing note in brackets
 * ("出生日期（YYYY-MM-DD）") do not matter.
 */
export function normaliseHeader(h: string): string {
  return h
    .normalize('NFKC')
    .replace(/[(（][^()（）]*[)）]\s*$/u, '')
    .replace(/[\s*＊_-]/gu, '')
    .toLowerCase();
}

export function mapColumns(header: string[], specs: readonly ColumnSpec[]): ColumnMapping {
  const byName = new Map<string, string>();
  for (const s of specs)
    for (const name of [s.field, s.en, s.zh, ...(s.aliases ?? [])])
      byName.set(normaliseHeader(name), s.field);
  const columns = header.map((h) => ({ header: h, field: byName.get(normaliseHeader(h)) ?? null }));
  const present = new Set(columns.map((c) => c.field));
  const missing = specs.filter((s) => s.required && !present.has(s.field)).map((s) => s.field);
  return { columns, missing };
}

/**
 * The rows of a file by field, or a refusal of the whole file naming what is wrong with its header:
 * an unknown column is refused rather than skipped, since a misspelt "phnoe" would lose a column of
 * data without anyone noticing (the preview flags it before).
 */
export function rowsByField(
  file: TabularFile,
  specs: readonly ColumnSpec[],
): { line: number; raw: Record<string, string> }[] {
  const { columns, missing } = mapColumns(file.header, specs);
  const unknown = columns.filter((c) => c.field === null).map((c) => c.header);
  if (unknown.length > 0)
    throw headerError(`unknown column(s): ${unknown.join(', ')}`, { unknown: unknown.join(', ') });
  if (missing.length > 0)
    throw headerError(`the header lacks the column(s): ${missing.join(', ')}`, {
      missing: missing.join(', '),
    });
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.field!)) throw headerError(`two columns fill ${c.field}`, { duplicate: c.header });
    seen.add(c.field!);
  }
  return file.rows.map(({ line, cells }) => {
    const raw: Record<string, string> = {};
    columns.forEach((c, i) => {
      raw[c.field!] = cells[i] ?? '';
    });
    return { line, raw };
  });
}

const headerError = (message: string, body: Record<string, string>) =>
  new AppError(400, 'csv_header', `file: ${message}`, { body });
