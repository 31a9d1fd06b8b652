import { useTranslation } from 'react-i18next';
import type { ImportJob } from '@civitas/contracts/registry';
import { TableRegion } from './table-region';

export function ImportReport({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
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
                <tr key={`${e.line}:${e.field ?? ''}:${i}`}>
                  <td>{e.line}</td>
                  <td>{e.field ?? '—'}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </div>
  );
}
