import { endpoints } from '@civitas/contracts/endpoints';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditVerifyResult } from '@civitas/contracts/audit';
import { call } from '../../app/api-client';
import { formatDateTime } from '../../app/localized';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';

/** The chain's own verdict, then what sealing and the checkpoints outside the database add. */
function VerifyResult({ result }: { result: AuditVerifyResult }) {
  const { t, i18n } = useTranslation();
  const c = result.checkpoints;
  const problem = result.problem ? t(`audit.problem.${result.problem}`) : '';
  return (
    <div data-testid="verify-result" data-ok={String(result.ok)}>
      <p className={result.ok ? 'ok' : 'bad'}>
        {result.ok
          ? t('audit.verifyOk', { checked: result.checked })
          : result.firstBadSeq !== null
            ? t('audit.verifyBad', { seq: result.firstBadSeq, problem })
            : t('audit.verifyBadNoSeq', { problem })}
      </p>
      <p className="muted">
        {result.keyedFrom !== null ? t('audit.keyedFrom', { seq: result.keyedFrom }) : t('audit.notKeyed')}
      </p>
      <p className="muted" data-testid="verify-checkpoints">
        {c.total > 0
          ? t('audit.checkpoints', {
              matched: c.matched,
              total: c.total,
              seq: c.latestSeq ?? '—',
              at: formatDateTime(c.latestAt, i18n.language),
            })
          : t('audit.noCheckpoints')}
      </p>
      {c.unreadable > 0 && (
        <p className="muted">{t('audit.unreadableCheckpoints', { count: c.unreadable })}</p>
      )}
    </div>
  );
}

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
      setResult(await call(endpoints.audit.verify));
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
        {result && <VerifyResult result={result} />}
      </StatusMessage>
      <ErrorMessage error={error} />
    </section>
  );
}
