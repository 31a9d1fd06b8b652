import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { flagNames, type FlagName } from './flag-badges';

/**
 * Filters of the list: only what identifies nobody. Phone and ID number are found through the
 * identifier search, which is a reveal (ADR 0021).
 */
export interface ResidentFilter {
  flag: FlagName | '';
}

export const emptyFilter: ResidentFilter = { flag: '' };

export function ResidentFilters({ onApply }: { onApply: (filter: ResidentFilter) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<ResidentFilter>(emptyFilter);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply(draft);
  }

  return (
    <form className="form-row" onSubmit={submit} role="search" aria-label={t('residents.filters')}>
      <div className="field">
        <label htmlFor="filter-flag">{t('residents.flag')}</label>
        <select
          id="filter-flag"
          value={draft.flag}
          onChange={(e) => setDraft({ ...draft, flag: e.target.value as FlagName | '' })}
        >
          <option value="">{t('residents.anyFlag')}</option>
          {flagNames.map((f) => (
            <option key={f} value={f}>
              {t(`flags.${f}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">{t('residents.applyFilters')}</button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setDraft(emptyFilter);
          onApply(emptyFilter);
        }}
      >
        {t('residents.clearFilters')}
      </button>
    </form>
  );
}
