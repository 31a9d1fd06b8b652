import type { TFunction, i18n } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ImportRowError } from '@civitas/contracts/imports';
import type { ImportJob } from '@civitas/contracts/registry';
import { useFieldLabel, type ImportKind } from './import-preview';
import { TableRegion } from './table-region';

/**
 * A row error in the user's language, from its code and params (the server's English `message`
 * is for logs). A refusal by the service names its API error code as `reason`.
 */
function rowErrorText(e: ImportRowError, t: TFunction, i18n: i18n): string {
  if (e.code === 'refused') {
    const key = `import.refusals.${String(e.params.reason)}`;
    return i18n.exists(key) ? t(key) : t('import.rowErrors.refused');
  }
  if (e.code === 'bad_id_number') return t(`import.idProblems.${String(e.params.problem ?? 'format')}`);
  return t(`import.rowErrors.${e.code}`, e.params);
}

export function ImportReport({ kind, job }: { kind: ImportKind; job: ImportJob }) {
  const { t, i18n } = useTranslation();
  const label = useFieldLabel(kind);
  return (
    <div data-testid="import-report">
      <ul className="counts">
        <li>{t('import.imported', { count: job.importedRows })}</li>
        <li>{t('import.rejected', { count: job.rejectedRows })}</li>
      </ul>
      {job.errors.length > 0 && (
        <TableRegion label={t('import.errorsCaption')}>
          <table>
            <caption>{t('import.errorsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('import.line')}</th>
                <th scope="col">{t('import.field')}</th>
                <th scope="col">{t('import.message')}</th>
              </tr>
            </thead>
            <tbody>
              {job.errors.map((e, i) => (
                <tr key={`${e.line}:${e.field ?? ''}:${i}`} data-code={e.code}>
                  <td>{e.line}</td>
                  <td>{e.field ? label(e.field) : '—'}</td>
                  <td>{rowErrorText(e, t, i18n)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </div>
  );
}
