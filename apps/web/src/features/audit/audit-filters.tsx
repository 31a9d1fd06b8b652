import {
  AUDIT_FAMILIES,
  AUDIT_FAMILY_NAMES,
  AUDIT_OBJECTS,
  type AuditFamily,
} from '@civitas/contracts/audit-vocabulary';
import type { AuditFilter as ApiAuditFilter } from '@civitas/contracts/audit';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { auditLang } from './audit-words';

export interface AuditFilter {
  actor: string;
  action: string;
  family: AuditFamily | '';
  targetType: string;
  targetId: string;
  from: string;
  to: string;
}

export const emptyAuditFilter: AuditFilter = {
  actor: '',
  action: '',
  family: '',
  targetType: '',
  targetId: '',
  from: '',
  to: '',
};

/** The object types entries are written with (the aliases in the vocabulary are action prefixes). */
const OBJECT_TYPES = [
  'case',
  'resident',
  'building',
  'user',
  'api_token',
  'org_unit',
  'device',
  'device_profile',
  'api_key_group',
  'case_category',
  'routing_rule',
  'audit_log',
] as const;

/** datetime-local gives local wall time; the API wants an ISO instant with offset. */
function toIso(local: string): string {
  if (!local) return '';
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** Brute-force, search-limit and other alerts are all this one action, told apart by `detail.kind`. */
export const SECURITY_ALERT = 'security.alert';

/** The filter as the API takes it (the list and the CSV export share it); empty means any. */
export function auditQueryOf(filter: AuditFilter): ApiAuditFilter {
  const { family, ...rest } = filter;
  return { ...rest, ...(family ? { family } : {}) };
}

export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const { t, i18n } = useTranslation();
  const lang = auditLang(i18n.language);
  const [draft, setDraft] = useState<AuditFilter>(emptyAuditFilter);
  const [alertsOnly, setAlertsOnly] = useState(false);
  const text = (key: 'actor' | 'targetId', label: string) => (
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
      actor: draft.actor.trim(),
      action: alerts ? SECURITY_ALERT : '',
      family: alerts ? '' : draft.family,
      targetType: draft.targetType,
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
      {text('actor', t('audit.person'))}
      {!alertsOnly && (
        <div className="field">
          <label htmlFor="audit-family">{t('audit.family')}</label>
          <select
            id="audit-family"
            value={draft.family}
            onChange={(e) => setDraft({ ...draft, family: e.target.value as AuditFamily | '' })}
          >
            <option value="">{t('audit.anyFamily')}</option>
            {AUDIT_FAMILY_NAMES.map((f) => (
              <option key={f} value={f}>
                {AUDIT_FAMILIES[f].words[lang]}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="audit-targetType">{t('audit.object')}</label>
        <select
          id="audit-targetType"
          value={draft.targetType}
          onChange={(e) => setDraft({ ...draft, targetType: e.target.value })}
        >
          <option value="">{t('audit.anyObject')}</option>
          {OBJECT_TYPES.map((o) => (
            <option key={o} value={o}>
              {AUDIT_OBJECTS[o]?.[lang] ?? o}
            </option>
          ))}
        </select>
      </div>
      {text('targetId', t('audit.targetId'))}
      {time('from', t('audit.from'))}
      {time('to', t('audit.to'))}
      <button type="submit">{t('audit.apply')}</button>
    </form>
  );
}
