import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { caseChannels, caseStates, type CaseCategory } from '@civitas/contracts/cases';
import { localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { useUnitLabel } from '../../components/unit-label';

export interface InboxFilter {
  state: string;
  category: string;
  unitId: string;
  channel: string;
  overdue: string;
  supervised: string;
}

export const filterKeys = ['state', 'category', 'unitId', 'channel', 'overdue', 'supervised'] as const;

export function filterFromParams(params: URLSearchParams): InboxFilter {
  return {
    state: params.get('state') ?? '',
    category: params.get('category') ?? '',
    unitId: params.get('unitId') ?? '',
    channel: params.get('channel') ?? '',
    overdue: params.get('overdue') ?? '',
    supervised: params.get('supervised') ?? '',
  };
}

/** "open" is a shorthand the inbox offers for every state that still needs work. */
export const OPEN_FILTER = 'submitted,accepted,assigned,in_progress,pending_info,reopened';

export function InboxFilters({
  value,
  categories,
  onApply,
}: {
  value: InboxFilter;
  categories: CaseCategory[];
  onApply: (f: InboxFilter) => void;
}) {
  const { t, i18n } = useTranslation();
  const { units } = useUnits();
  const unitLabel = useUnitLabel();
  const [draft, setDraft] = useState<{ base: InboxFilter; f: InboxFilter }>({ base: value, f: value });
  // A saved view or the back button changes the filter from outside; the form follows it.
  const f = draft.base === value ? draft.f : value;
  const set = (patch: Partial<InboxFilter>) => setDraft({ base: value, f: { ...f, ...patch } });

  function submit(e: FormEvent) {
    e.preventDefault();
    onApply(f);
  }

  return (
    <form className="form-row filters" role="search" aria-label={t('cases.inbox.filters')} onSubmit={submit}>
      <div className="field">
        <label htmlFor="f-state">{t('cases.fields.state')}</label>
        <select id="f-state" value={f.state} onChange={(e) => set({ state: e.target.value })}>
          <option value="">{t('cases.inbox.any')}</option>
          <option value={OPEN_FILTER}>{t('cases.inbox.open')}</option>
          {caseStates.map((s) => (
            <option key={s} value={s}>
              {t(`cases.state.${s}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-category">{t('cases.fields.category')}</label>
        <select id="f-category" value={f.category} onChange={(e) => set({ category: e.target.value })}>
          <option value="">{t('cases.inbox.any')}</option>
          {categories.map((c) => (
            <option key={c.id} value={c.code}>
              {c.parentId ? '\u00a0\u00a0' : ''}
              {localizedName(c.name, i18n.language)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-unit">{t('cases.fields.unit')}</label>
        <select id="f-unit" value={f.unitId} onChange={(e) => set({ unitId: e.target.value })}>
          <option value="">{t('cases.inbox.allUnits')}</option>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {unitLabel(u.id)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-channel">{t('cases.fields.channel')}</label>
        <select id="f-channel" value={f.channel} onChange={(e) => set({ channel: e.target.value })}>
          <option value="">{t('cases.inbox.any')}</option>
          {caseChannels.map((c) => (
            <option key={c} value={c}>
              {t(`cases.channel.${c}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-overdue">{t('cases.overdue')}</label>
        <select id="f-overdue" value={f.overdue} onChange={(e) => set({ overdue: e.target.value })}>
          <option value="">{t('cases.inbox.any')}</option>
          <option value="true">{t('common.yes')}</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-supervised">{t('cases.supervised')}</label>
        <select id="f-supervised" value={f.supervised} onChange={(e) => set({ supervised: e.target.value })}>
          <option value="">{t('cases.inbox.any')}</option>
          <option value="true">{t('common.yes')}</option>
          <option value="false">{t('common.no')}</option>
        </select>
      </div>
      <button type="submit">{t('cases.inbox.apply')}</button>
    </form>
  );
}
