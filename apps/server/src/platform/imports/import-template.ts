import ExcelJS from 'exceljs';
import type { ColumnSpec } from './column-map.js';

export interface TemplateFile {
  body: Buffer;
  contentType: string;
  fileName: string;
}

/**
 * An empty register to fill in, headed in the user's language, with one example row. The CSV is
 * UTF-8 with a BOM, so that Excel opens it with the Chinese intact.
 */
export async function importTemplate(
  name: string,
  specs: readonly ColumnSpec[],
  example: Record<string, string>,
  lang: 'zh-CN' | 'en',
  format: 'csv' | 'xlsx',
): Promise<TemplateFile> {
  const header = specs.map((s) => (lang === 'zh-CN' ? s.zh : s.en));
  const row = specs.map((s) => example[s.field] ?? '');
  const fileName = `${name}-template-${lang}.${format}`;
  if (format === 'csv') {
    const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const text = `\uFEFF${[header, row].map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
    return { body: Buffer.from(text, 'utf8'), contentType: 'text/csv; charset=utf-8', fileName };
  }
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(name);
  sheet.addRow(header).font = { bold: true };
  // Every cell is text: Excel would turn an 18-digit ID number into 4.40306E+17 and lose digits.
  sheet.addRow(row);
  sheet.columns.forEach((c) => {
    c.numFmt = '@';
    c.width = 16;
  });
  return {
    body: Buffer.from(await book.xlsx.writeBuffer()),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    fileName,
  };
}
