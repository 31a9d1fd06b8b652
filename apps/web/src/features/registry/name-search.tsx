import { endpoints } from '@civitas/contracts/endpoints';
import { nameSearchLimited, type ResidentSearchResponse } from '@civitas/contracts/registry';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, hasCode } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { useBlockedUntil } from './use-blocked-until';

/**
 * Finds residents by a whole name as staff type it: 张三, "zhang san", "zs", "John Smith"
 * (ADR 0045). Results are masked records; each search is audited and counted per user by the
 * server, so past the limit the button waits until the time the server names. The name goes in
 * a POST body, never the address bar.
 */
export function NameSearch({
  unitId,
  onResult,
}: {
  unitId: string | null;
  onResult: (result: ResidentSearchResponse) => void;
}) {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [blockedUntil, setBlockedUntil] = useBlockedUntil();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!/[\p{L}\p{N}]/u.test(name)) {
      setError('empty');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const result = await call(endpoints.residents.nameSearch, {
        body: { name: name.trim(), ...(unitId ? { unitId } : {}) },
      });
      onResult(result);
    } catch (e) {
      if (hasCode(e, 'name_search_limited')) {
        const parsed = nameSearchLimited.safeParse(e.problem);
        setBlockedUntil(Date.now() + (parsed.success ? parsed.data.retryAfterSeconds : 60) * 1000);
      } else setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <form
        className="form-row name-search"
        onSubmit={(e) => void submit(e)}
        role="search"
        aria-label={t('search.title')}
        noValidate
      >
        <div className="field">
          <label htmlFor="name-search-value">{t('search.label')}</label>
          <input
            id="name-search-value"
            type="search"
            autoComplete="off"
            maxLength={100}
            value={name}
            aria-describedby="name-search-help"
            aria-invalid={error === 'empty'}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy || blockedUntil !== null}>
          {t('search.find')}
        </button>
      </form>
      <p id="name-search-help" className="muted">
        {t('search.help')}
      </p>
      {error === 'empty' ? (
        <p role="alert" className="error">
          {t('search.empty')}
        </p>
      ) : (
        <ErrorMessage error={error} />
      )}
      {blockedUntil !== null && (
        <p role="alert" className="error" data-testid="name-search-limited">
          {t('search.limited', {
            time: new Date(blockedUntil).toLocaleTimeString(i18n.language, { timeStyle: 'short' }),
          })}
        </p>
      )}
    </>
  );
}
