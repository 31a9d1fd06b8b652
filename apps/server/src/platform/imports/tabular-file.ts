import type { ImportEncoding } from '@civitas/contracts/imports';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { AppError, badRequest } from '../errors/errors.js';
import { decodeAs, detectEncoding } from './text-encoding.js';

/** A file of rows under one header row, whatever it came as (CSV in any encoding, xlsx). */
export interface TabularFile {
  format: 'csv' | 'xlsx';
  encoding: ImportEncoding | null;
  header: string[];
  /** Data rows with their line (CSV) or row number (xlsx), cells in header order. */
  rows: { line: number; cells: string[] }[];
  /** Lines the CSV parser could not read (bad quoting, wrong column count). */
  broken: { line: number; message: string }[];
}

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0];
const startsWith = (d: Buffer, magic: number[]) => magic.every((b, i) => d[i] === b);

/**
 * Reads an upload. A zip is an Excel workbook (xlsx); one with macros (xlsm), an old binary .xls,
 * or another zip (ods, docx) is refused by name rather than read as text. Anything else is a CSV
 * whose encoding is detected, or the one the user chose when the server was unsure.
 */
export async function readTabularFile(data: Buffer, chosen?: ImportEncoding): Promise<TabularFile> {
  if (startsWith(data, OLE2)) throw formatRefused('xls');
  if (startsWith(data, ZIP)) {
    if (data.includes('vbaProject.bin') || data.includes('macroEnabled')) throw formatRefused('xlsm');
    if (!data.includes('xl/workbook.xml')) throw formatRefused('zip');
    return readXlsx(data);
  }
  return readCsv(data, chosen);
}

function formatRefused(format: 'xls' | 'xlsm' | 'zip') {
  return new AppError(
    415,
    'import_format_refused',
    `file: a ${format} file cannot be imported; save it as .xlsx (without macros) or CSV`,
    { body: { format } },
  );
}

function readCsv(data: Buffer, chosen?: ImportEncoding): TabularFile {
  let encoding: ImportEncoding;
  let text: string;
  if (chosen) {
    const decoded = decodeAs(data, chosen);
    if (decoded === null)
      throw new AppError(400, 'encoding_mismatch', `file: not readable as ${chosen}`, {
        body: { encoding: chosen },
      });
    ({ encoding, text } = { encoding: chosen, text: decoded });
  } else {
    const found = detectEncoding(data);
    if (!found.ok)
      throw new AppError(
        400,
        'encoding_unsure',
        'file: its text encoding is unclear; choose one (encoding=…)',
        { body: { candidates: found.candidates } },
      );
    ({ encoding, text } = found);
  }
  const broken: TabularFile['broken'] = [];
  type Info = { record: string[]; info: { lines: number } };
  let records: Info[];
  try {
    records = parse(text, {
      skip_empty_lines: true,
      info: true,
      relax_column_count_less: true,
      skip_records_with_error: true,
      on_skip: (err) => {
        if (err) broken.push({ line: (err as { lines?: number }).lines ?? 0, message: err.message });
        return undefined;
      },
    }) as unknown as Info[];
  } catch (e) {
    throw badRequest('csv_unreadable', `file: not a readable CSV (${(e as Error).message})`);
  }
  const [first, ...rest] = records;
  if (!first) throw new AppError(400, 'csv_header', 'file: there is no header row');
  const width = first.record.length;
  const rows: TabularFile['rows'] = [];
  for (const r of rest) {
    if (r.record.length > width)
      broken.push({ line: r.info.lines, message: `has ${r.record.length} fields, the header ${width}` });
    else rows.push({ line: r.info.lines, cells: r.record });
  }
  return { format: 'csv', encoding, header: first.record, rows, broken };
}

async function readXlsx(data: Buffer): Promise<TabularFile> {
  const book = new ExcelJS.Workbook();
  try {
    // exceljs's types name Node's older Buffer; the bytes are the same.
    await book.xlsx.load(data as unknown as Parameters<typeof book.xlsx.load>[0]);
  } catch (e) {
    throw new AppError(400, 'csv_unreadable', `file: not a readable workbook (${(e as Error).message})`);
  }
  // The first sheet holds the data, as in every template and export we know of.
  const sheet = book.worksheets[0];
  if (!sheet || sheet.rowCount === 0) throw new AppError(400, 'csv_header', 'file: there is no header row');
  const header = rowCells(sheet.getRow(1), sheet.columnCount);
  const width = header.length;
  const rows: TabularFile['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    if (number === 1) return;
    const cells = rowCells(row, width);
    if (cells.some((c) => c !== '')) rows.push({ line: number, cells });
  });
  return { format: 'xlsx', encoding: null, header, rows, broken: [] };
}

function rowCells(row: ExcelJS.Row, width: number): string[] {
  const out: string[] = [];
  for (let c = 1; c <= width; c++) out.push(cellText(row.getCell(c).value));
  while (out.length > 0 && out[out.length - 1] === '' && width === 0) out.pop();
  return out;
}

/** A cell as the text a CSV would have held: dates as YYYY-MM-DD, formulas as their result. */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if ('richText' in v) return v.richText.map((t) => t.text).join('');
  if ('result' in v) return v.result === undefined ? '' : cellText(v.result);
  if ('text' in v) return typeof v.text === 'string' ? v.text : '';
  if ('error' in v) return '';
  return '';
}
