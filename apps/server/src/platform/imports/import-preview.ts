import type { ImportEncoding, ImportPreview } from '@civitas/contracts/imports';
import { mapColumns, type ColumnSpec } from './column-map.js';
import { readTabularFile } from './tabular-file.js';

const PREVIEW_ROWS = 5;

/**
 * What an import would read from a file, stored nowhere: the format and encoding found, which
 * header fills which field (unknown ones flagged), and the first rows. `mask` hides what the
 * preview should not show in clear (ID numbers, phones): the file is the user's own, but the
 * screen may be seen by others.
 */
export async function previewImport(
  data: Buffer,
  encoding: ImportEncoding | undefined,
  specs: readonly ColumnSpec[],
  mask: (field: string, value: string) => string = (_f, v) => v,
): Promise<ImportPreview> {
  const file = await readTabularFile(data, encoding);
  const { columns, missing } = mapColumns(file.header, specs);
  const rows = file.rows.slice(0, PREVIEW_ROWS).map(({ line, cells }) => {
    const values: Record<string, string> = {};
    columns.forEach((c, i) => {
      if (c.field && values[c.field] === undefined) values[c.field] = mask(c.field, (cells[i] ?? '').trim());
    });
    return { line, values };
  });
  return {
    format: file.format,
    encoding: file.encoding,
    columns,
    missing,
    rows,
    totalRows: file.rows.length + file.broken.length,
  };
}
