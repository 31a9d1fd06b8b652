import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  identifierSearchLimited,
  type IdentifierField,
  type ResidentSearchResponse,
} from '@civitas/contracts/registry';
import { ApiError, call, hasCode } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';

/** Seconds until the server takes identifier searches again, from a 429 problem; 0 otherwise. */
export function retryAfterOf(error: unknown): number {
  if (!hasCode(error, 'identifier_search_limited')) return 0;
  const parsed = identifierSearchLimited.safeParse(error.problem);
  return parsed.success ? parsed.data.retryAfterSeconds : 60;
}

interface Props {
  open: boolean;
  field: IdentifierField;
  value: string;
  unitId: string | null;
  onClose: () => void;
  onFound: (result: ResidentSearchResponse) => void;
  onLimited: (error: ApiError) => void;
}

/** Asks why, as the reveal dialog does; the reason goes to the audit log with the search. */
export function IdentifierSearchDialog({ open, field, value, unitId, onClose, onFound, onLimited }: Props) {
  const { t, i18n } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [limited, setLimited] = useState<{ until: number; minutes: number } | null>(null);

  function close() {
    setReason('');
    setError(null);
    setLimited(null);
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const result = await call(endpoints.residents.search, {
        body: { field, value, reason: reason.trim(), ...(unitId ? { unitId } : {}) },
      });
      setReason('');
      onFound(result);
    } catch (e) {
      setError(e);
      if (e instanceof ApiError && e.status === 429) {
        const seconds = retryAfterOf(e);
        setLimited({ until: Date.now() + seconds * 1000, minutes: Math.max(1, Math.ceil(seconds / 60)) });
        onLimited(e);
      }
    } finally {
      setBusy(false);
    }
  }

  const fieldLabel = t(`residents.${field}`);
  return (
    <ModalDialog open={open} title={t('identifierSearch.dialogTitle', { field: fieldLabel })} onClose={close}>
      <form onSubmit={(e) => void submit(e)} className="form-stack">
        <p id="identifier-search-help">{t('identifierSearch.help')}</p>
        <label htmlFor="identifier-search-reason">{t('reveal.reason')}</label>
        <input
          id="identifier-search-reason"
          required
          minLength={2}
          maxLength={300}
          aria-describedby="identifier-search-help"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        {limited !== null ? (
          <div role="alert" className="error" data-testid="identifier-search-limited">
            <p>
              {t('identifierSearch.limited', {
                minutes: limited.minutes,
                time: new Date(limited.until).toLocaleTimeString(i18n.language, { timeStyle: 'short' }),
              })}
            </p>
          </div>
        ) : (
          <ErrorMessage error={error} />
        )}
        <div className="button-row">
          <button type="submit" disabled={busy || limited !== null}>
            {t('identifierSearch.confirm')}
          </button>
          <button type="button" className="secondary" onClick={close}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
