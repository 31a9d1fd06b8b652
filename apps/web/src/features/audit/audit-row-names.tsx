import { auditActionWords, auditObjectWords } from '@civitas/contracts/audit-vocabulary';
import type { AuditEntry } from '@civitas/contracts/audit';
import { useTranslation } from 'react-i18next';
import { auditLang } from './audit-words';

/**
 * Who, what and on what, in words: the person by name (user name beside it, as names repeat),
 * their unit, the action and the object in the reader's language. A code the vocabulary does not
 * know yet is shown as code rather than hidden.
 */
export function AuditRowNames({ entry: e }: { entry: AuditEntry }) {
  const { t, i18n } = useTranslation();
  const lang = auditLang(i18n.language);
  const action = auditActionWords(e.action, lang);
  const object = auditObjectWords(e.targetType, lang);
  return (
    <>
      <td>
        {e.actorName === null ? (
          t('audit.system')
        ) : (
          <>
            {e.actorDisplayName ?? e.actorName}
            {e.actorDisplayName && e.actorDisplayName !== e.actorName && (
              <span className="hint"> ({e.actorName})</span>
            )}
          </>
        )}
        {e.actorUnitName && <div className="hint">{e.actorUnitName[lang]}</div>}
      </td>
      <td>{action ?? <code>{e.action}</code>}</td>
      <td className="break">
        {object ?? (e.targetType ? <code>{e.targetType}</code> : '—')}
        {e.targetUnitName && <div className="hint">{e.targetUnitName[lang]}</div>}
        {e.targetId && <div className="hint">{e.targetId}</div>}
      </td>
    </>
  );
}
