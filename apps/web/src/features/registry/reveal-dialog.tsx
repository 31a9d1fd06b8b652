import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RevealableField } from '@civitas/contracts/registry';
import { call } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';

interface RevealDialogProps {
  residentId: string;
  field: RevealableField | null;
  onClose: () => void;
  onRevealed: (field: RevealableField, value: string | null) => void;
}

/** Asks why the plain value is needed; the reason is stored in the audit log with the access. */
export function RevealDialog({ residentId, field, onClose, onRevealed }: RevealDialogProps) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  function close() {
    setReason('');
    setError(null);
    onClose();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!field) return;
    setBusy(true);
    setError(null);
    try {
      const result = await call(endpoints.residents.reveal, {
        params: { id: residentId },
        body: { field, reason: reason.trim() },
      });
      setReason('');
      onRevealed(result.field, result.value);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const fieldLabel = field ? t(`residents.${field}`) : '';
  return (
    <ModalDialog open={field !== null} title={t('reveal.title', { field: fieldLabel })} onClose={close}>
      <form onSubmit={(e) => void submit(e)} className="form-stack">
        <p id="reveal-help">{t('reveal.help')}</p>
        <label htmlFor="reveal-reason">{t('reveal.reason')}</label>
        <input
          id="reveal-reason"
          required
          minLength={2}
          maxLength={300}
          aria-describedby="reveal-help"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <ErrorMessage error={error} />
        <div className="button-row">
          <button type="submit" disabled={busy}>
            {t('reveal.confirm')}
          </button>
          <button type="button" className="secondary" onClick={close}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
