import { endpoints } from '@civitas/contracts/endpoints';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseContactField } from '@civitas/contracts/cases';
import { call } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { ModalDialog } from '../../components/modal-dialog';

type Field = CaseContactField;

/**
 * The caller's contact, masked; the plain value only after the handler gives a reason, which the
 * server writes to the audit log (the same pattern as a resident's ID number).
 */
export function CaseContact({
  caseId,
  contact,
}: {
  caseId: string;
  contact: { name: string | null; phone: string | null };
}) {
  const { t } = useTranslation();
  const [field, setField] = useState<Field | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [revealed, setRevealed] = useState<Partial<Record<Field, string | null>>>({});

  async function reveal(e: FormEvent) {
    e.preventDefault();
    if (!field) return;
    setBusy(true);
    setError(null);
    try {
      const res = await call(endpoints.cases.revealContact, {
        params: { id: caseId },
        body: { field, reason },
      });
      setRevealed((r) => ({ ...r, [res.field]: res.value }));
      setField(null);
      setReason('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const line = (f: Field, masked: string | null) =>
    masked === null ? null : (
      <span className="contact-line" data-testid={`contact-${f}`}>
        {t(`cases.contact.${f}`)}: <span data-value>{revealed[f] ?? masked}</span>{' '}
        {revealed[f] === undefined && (
          <button type="button" className="small secondary" onClick={() => setField(f)}>
            {t('cases.contact.reveal', { field: t(`cases.contact.${f}`) })}
          </button>
        )}
      </span>
    );

  return (
    <>
      {line('name', contact.name)}
      {line('phone', contact.phone)}
      <ModalDialog
        open={field !== null}
        title={t('cases.contact.dialogTitle', { field: field ? t(`cases.contact.${field}`) : '' })}
        onClose={() => setField(null)}
      >
        <form className="form-stack" onSubmit={(e) => void reveal(e)} data-testid="contact-reveal-form">
          <div className="field">
            <label htmlFor="contact-reason">{t('cases.contact.reason')}</label>
            <input
              id="contact-reason"
              required
              minLength={2}
              maxLength={300}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <span className="hint">{t('cases.contact.audited')}</span>
          </div>
          <ErrorMessage error={error} />
          <div className="button-row">
            <button
              type="submit"
              disabled={busy || reason.trim().length < 2}
              data-testid="contact-reveal-submit"
            >
              {t('cases.contact.confirm')}
            </button>
            <button type="button" className="secondary" onClick={() => setField(null)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      </ModalDialog>
    </>
  );
}
