import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditVerifyResult } from '@civitas/contracts/audit';
import { api } from '../../app/api-client';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';

export function VerifyChain() {
  const { t } = useTranslation();
  const [result, setResult] = useState<AuditVerifyResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function verify() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api<AuditVerifyResult>('/audit/verify'));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="verify-heading" className="panel">
      <h2 id="verify-heading">{t('audit.verifyTitle')}</h2>
      <button type="button" onClick={() => void verify()} disabled={busy}>
        {t('audit.verify')}
      </button>
      <StatusMessage>
        {busy && t('audit.verifying')}
        {result && (
          <span data-testid="verify-result" data-ok={String(result.ok)} className={result.ok ? 'ok' : 'bad'}>
            {result.ok
              ? t('audit.verifyOk', { checked: result.checked })
              : t('audit.verifyBad', { seq: result.firstBadSeq ?? '?', reason: result.reason ?? '' })}
          </span>
        )}
      </StatusMessage>
      <ErrorMessage error={error} />
    </section>
  );
}
