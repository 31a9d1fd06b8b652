import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '@civitas/contracts/audit';
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
  if (entry.action !== SECURITY_ALERT) return <>{Object.keys(d).length > 0 ? JSON.stringify(d) : ''}</>;
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
