import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '@civitas/contracts/audit';
import { caseStates } from '@civitas/contracts/cases';
import { SECURITY_ALERT } from './audit-filters';

const KNOWN_KINDS = new Set(['login_throttled', 'identifier_search_limit']);
const KNOWN_SCOPES = new Set(['account_source', 'source', 'account']);

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/**
 * The detail cell of one entry. A security alert reads as a sentence in the user's language
 * (its kind and who or where it concerns); other entries show their recorded detail as is.
 */
export function AuditDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation();
  const d = entry.detail;
  if (entry.action !== SECURITY_ALERT) return <RecordedDetail detail={d} />;
  const kind = text(d.kind);
  const scope = text(d.scope);
  return (
    <>
      <strong className="bad">
        {t(KNOWN_KINDS.has(kind) ? `audit.alerts.kind.${kind}` : 'audit.alerts.kind.other')}
      </strong>
      {KNOWN_SCOPES.has(scope) && (
        <>
          {' — '}
          {t(`audit.alerts.scope.${scope}`, { username: text(d.username), source: text(d.source) })}
        </>
      )}
    </>
  );
}

const isState = (v: unknown): v is string =>
  typeof v === 'string' && (caseStates as readonly string[]).includes(v);

/**
 * What an entry recorded: a case's number and its change of state in words first, everything
 * else as recorded, folded away (its keys are the record's own, kept for the auditor to check).
 */
function RecordedDetail({ detail: d }: { detail: Record<string, unknown> }) {
  const { t } = useTranslation();
  const { ref, from, to, ...rest } = d;
  const change = isState(from) && isState(to);
  const others = change
    ? rest
    : { ...rest, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  return (
    <>
      {typeof ref === 'string' && <div>{t('audit.caseRef', { ref })}</div>}
      {change && (
        <div>{t('audit.stateChange', { from: t(`cases.state.${from}`), to: t(`cases.state.${to}`) })}</div>
      )}
      {Object.keys(others).length > 0 && (
        <details>
          <summary>{t('audit.recorded')}</summary>
          <code className="break">{JSON.stringify(others)}</code>
        </details>
      )}
    </>
  );
}
