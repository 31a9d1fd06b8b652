import { useTranslation } from 'react-i18next';
import type { ImportPreview } from '@civitas/contracts/imports';
import { TableRegion } from './table-region';

export type ImportKind = 'residents' | 'devices';

/** A field's name in the user's language (姓名, 设备类型), the way the template heads it. */
export function useFieldLabel(kind: ImportKind) {
  const { t, i18n } = useTranslation();
  return (field: string) => {
    const key = `import.fields.${kind}.${field}`;
    return i18n.exists(key) ? t(key) : field;
  };
}

/**
 * What the server read from the chosen file before anything is stored: the format and encoding it
 * found, which column fills which field (a column it does not know is flagged and stops the
 * import), and the first rows as they would be imported.
 */
export function ImportPreviewView({ kind, preview }: { kind: ImportKind; preview: ImportPreview }) {
  const { t } = useTranslation();
  const label = useFieldLabel(kind);
  const fields = preview.columns.flatMap((c) => (c.field ? [c.field] : []));
  const unknown = preview.columns.filter((c) => c.field === null);
  return (
    <section aria-labelledby="import-preview-heading" data-testid="import-preview">
      <h2 id="import-preview-heading">{t('import.preview.title')}</h2>
      <p data-testid="import-detected">
        {preview.format === 'xlsx'
          ? t('import.preview.xlsx', { count: preview.totalRows })
          : t('import.preview.csv', {
              encoding: t(`import.encodings.${preview.encoding ?? 'utf-8'}`),
              count: preview.totalRows,
            })}
      </p>
      {preview.missing.length > 0 && (
        <p className="error" role="alert" data-testid="import-missing">
          {t('import.preview.missing', {
            fields: preview.missing.map(label).join(t('import.listSeparator')),
          })}
        </p>
      )}
      {unknown.length > 0 && (
        <p className="error" role="alert" data-testid="import-unknown">
          {t('import.preview.unknown', {
            headers: unknown.map((c) => c.header).join(t('import.listSeparator')),
          })}
        </p>
      )}
      <TableRegion label={t('import.preview.mappingCaption')}>
        <table data-testid="import-mapping">
          <caption>{t('import.preview.mappingCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('import.preview.header')}</th>
              <th scope="col">{t('import.preview.field')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.columns.map((c, i) => (
              <tr key={`${i}:${c.header}`} data-unknown={c.field === null || undefined}>
                <td>{c.header}</td>
                <td>{c.field ? label(c.field) : <strong>{t('import.preview.notImported')}</strong>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {preview.rows.length > 0 && (
        <TableRegion label={t('import.preview.rowsCaption', { count: preview.rows.length })}>
          <table data-testid="import-rows">
            <caption>{t('import.preview.rowsCaption', { count: preview.rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('import.line')}</th>
                {fields.map((f) => (
                  <th scope="col" key={f}>
                    {label(f)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.rows.map((r) => (
                <tr key={r.line}>
                  <td>{r.line}</td>
                  {fields.map((f) => (
                    <td key={f}>{r.values[f] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}
