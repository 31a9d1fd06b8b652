import { profileFile, type ProfileImportReport } from '@civitas/contracts/device-profiles';
import { endpoints } from '@civitas/contracts/endpoints';
import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { TableRegion } from '../../components/table-region';
import { StatusMessage } from '../../components/status-message';

/**
 * Import of a profile file: the file is checked first (a dry run) and its report shown; only a
 * report without refusals offers to apply it, and applying is all or nothing on the server too.
 */
export function ProfileImport({ onApplied }: { onApplied: () => void }) {
  const { t } = useTranslation();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ format: string; profiles: unknown[] } | null>(null);
  const [report, setReport] = useState<ProfileImportReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unreadable, setUnreadable] = useState(false);
  const [busy, setBusy] = useState(false);

  async function check(event: FormEvent) {
    event.preventDefault();
    const f = fileRef.current?.files?.[0];
    if (!f) return;
    setError(null);
    setReport(null);
    setUnreadable(false);
    let json: unknown;
    try {
      json = JSON.parse(await f.text());
    } catch {
      setUnreadable(true);
      return;
    }
    // Not a profile file at all (another JSON): said at once; the server checks each profile.
    const checked = profileFile.safeParse(json);
    if (!checked.success) {
      setUnreadable(true);
      return;
    }
    const parsed = checked.data;
    setBusy(true);
    try {
      setFile(parsed);
      setReport(
        await call(endpoints.devices.profileImport, {
          query: { dryRun: 'true' },
          body: parsed,
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (!file) return;
    setBusy(true);
    try {
      const r = await call(endpoints.devices.profileImport, {
        query: { dryRun: 'false' },
        body: file as never,
      });
      setReport(r);
      if (r.applied) onApplied();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const ok = report !== null && report.items.every((i) => i.action !== 'refused');
  return (
    <section aria-labelledby="profile-import-heading">
      <h2 id="profile-import-heading">{t('deviceProfiles.import.title')}</h2>
      <p id="profile-import-help">{t('deviceProfiles.import.help')}</p>
      <form onSubmit={(e) => void check(e)} className="form-row" aria-busy={busy}>
        <div className="field">
          <label htmlFor="profile-import-file">{t('deviceProfiles.import.file')}</label>
          <input
            id="profile-import-file"
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            required
            aria-describedby="profile-import-help"
          />
        </div>
        <button type="submit" disabled={busy}>
          {t('deviceProfiles.import.check')}
        </button>
      </form>
      {unreadable && (
        <p role="alert" className="error">
          {t('deviceProfiles.import.unreadable')}
        </p>
      )}
      <ErrorMessage error={error} />
      {report && (
        <>
          <StatusMessage>
            <span data-testid="profile-import-status">
              {report.applied
                ? t('deviceProfiles.import.applied')
                : ok
                  ? t('deviceProfiles.import.ready')
                  : t('deviceProfiles.import.refused')}
            </span>
          </StatusMessage>
          <TableRegion label={t('deviceProfiles.import.report')}>
            <table data-testid="profile-import-report">
              <caption>{t('deviceProfiles.import.report')}</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">{t('deviceProfiles.code')}</th>
                  <th scope="col">{t('deviceProfiles.import.action')}</th>
                  <th scope="col">{t('deviceProfiles.import.errors')}</th>
                </tr>
              </thead>
              <tbody>
                {report.items.map((i) => (
                  <tr key={i.index}>
                    <td>{i.index + 1}</td>
                    <td>{i.code ?? '—'}</td>
                    <td>{t(`deviceProfiles.import.actions.${i.action}`)}</td>
                    <td>
                      {i.errors.length > 0 && (
                        <ul>
                          {i.errors.map((e) => (
                            <li key={`${e.path}:${e.message}`}>
                              {e.path ? `${e.path}: ` : ''}
                              {i18nCode(t, e.code)} {e.message}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          {ok && !report.applied && (
            <button type="button" onClick={() => void apply()} disabled={busy}>
              {t('deviceProfiles.import.apply')}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** The refusal code in the reader's language; the server's detail follows it for the specifics. */
function i18nCode(t: (k: string) => string, code: string): string {
  return code === 'validation_failed' ? t('errors.validation') : t(`errors.byCode.${code}`);
}
