import type { ImportJob } from '@civitas/contracts/registry';
import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { TableRegion } from '../../components/table-region';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * The tokens a finished device import minted. The server hands them out once and erases them, so
 * they are fetched only on request, kept in this component's memory only, and offered as a CSV.
 */
export function ImportTokens({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const [items, setItems] = useState<{ code: string; token: string }[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (job.status !== 'done' || job.importedRows === 0) return null;

  async function fetchTokens() {
    setBusy(true);
    setError(null);
    try {
      setItems((await call(endpoints.devices.importTokens, { params: { id: job.id } })).items);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="import-tokens-heading">
      <h2 id="import-tokens-heading">{t('deviceImport.tokens.title')}</h2>
      <p>{t('deviceImport.tokens.once')}</p>
      {!items && (
        <button type="button" onClick={() => void fetchTokens()} disabled={busy}>
          {t('deviceImport.tokens.show')}
        </button>
      )}
      <ErrorMessage error={error} />
      {items && (
        <>
          <p>
            <button type="button" onClick={() => download(items, job.id)} data-testid="tokens-download">
              {t('deviceImport.tokens.download')}
            </button>
          </p>
          <TableRegion label={t('deviceImport.tokens.caption', { count: items.length })}>
            <table data-testid="import-tokens">
              <caption>{t('deviceImport.tokens.caption', { count: items.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('devices.code')}</th>
                  <th scope="col">{t('deviceImport.tokens.token')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.code}>
                    <td>{i.code}</td>
                    <td>
                      <code>{i.token}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        </>
      )}
    </section>
  );
}

/** Saves the tokens as a CSV file; the object URL lives only for the click. */
function download(items: { code: string; token: string }[], jobId: string): void {
  const csv = ['code,access_token', ...items.map((i) => `${csvField(i.code)},${csvField(i.token)}`)];
  const url = URL.createObjectURL(new Blob([`${csv.join('\r\n')}\r\n`], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `device-tokens-${jobId.slice(0, 8)}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
