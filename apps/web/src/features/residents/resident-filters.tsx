import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { flagNames, type FlagName } from './flag-badges';

export interface ResidentFilter {
  flag: FlagName | '';
  phone: string;
  idNumber: string;
}

export const emptyFilter: ResidentFilter = { flag: '', phone: '', idNumber: '' };

export function ResidentFilters({ onApply }: { onApply: (filter: ResidentFilter) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<ResidentFilter>(emptyFilter);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ ...draft, phone: draft.phone.trim(), idNumber: draft.idNumber.trim().toUpperCase() });
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
      <div className="field">
        <label htmlFor="filter-phone">{t('residents.phoneExact')}</label>
        <input
          id="filter-phone"
          type="tel"
          value={draft.phone}
          onChange={(e) => setDraft({ ...draft, phone: e.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor="filter-id">{t('residents.idNumberExact')}</label>
        <input
          id="filter-id"
          value={draft.idNumber}
          maxLength={18}
          onChange={(e) => setDraft({ ...draft, idNumber: e.target.value })}
        />
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
