import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export interface AuditFilter {
  action: string;
  targetType: string;
  targetId: string;
  from: string;
  to: string;
}

export const emptyAuditFilter: AuditFilter = { action: '', targetType: '', targetId: '', from: '', to: '' };

/** datetime-local gives local wall time; the API wants an ISO instant with offset. */
function toIso(local: string): string {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** Brute-force, search-limit and other alerts are all this one action, told apart by `detail.kind`. */
export const SECURITY_ALERT = 'security.alert';

export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<AuditFilter>(emptyAuditFilter);
  const [alertsOnly, setAlertsOnly] = useState(false);
  const text = (key: 'action' | 'targetType' | 'targetId', label: string) => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
    </div>
  );
  const time = (key: 'from' | 'to', label: string) => (
    <div className="field">
      <label htmlFor={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        type="datetime-local"
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
    </div>
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    apply(alertsOnly);
  }

  function apply(alerts: boolean) {
    onApply({
      action: alerts ? SECURITY_ALERT : draft.action.trim(),
      targetType: draft.targetType.trim(),
      targetId: draft.targetId.trim(),
      from: toIso(draft.from),
      to: toIso(draft.to),
    });
  }

  return (
    <form className="form-row" onSubmit={submit} role="search" aria-label={t('audit.filters')}>
      <div className="field-check">
        <input
          id="audit-alerts-only"
          type="checkbox"
          checked={alertsOnly}
          onChange={(e) => {
            setAlertsOnly(e.target.checked);
            apply(e.target.checked);
          }}
        />
        <label htmlFor="audit-alerts-only">{t('audit.alertsOnly')}</label>
      </div>
      {!alertsOnly && text('action', t('audit.action'))}
      {text('targetType', t('audit.targetType'))}
      {text('targetId', t('audit.targetId'))}
      {time('from', t('audit.from'))}
      {time('to', t('audit.to'))}
      <button type="submit">{t('audit.apply')}</button>
    </form>
  );
}
