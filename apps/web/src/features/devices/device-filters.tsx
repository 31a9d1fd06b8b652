import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Device, DeviceProfile } from '@civitas/contracts/devices';
import { localizedName } from '../../app/localized';

export interface DeviceFilter {
  profile: string;
  connectivity: Device['connectivity'] | '';
  q: string;
}

export const emptyDeviceFilter: DeviceFilter = { profile: '', connectivity: '', q: '' };
export const connectivities: readonly Device['connectivity'][] = ['active', 'inactive', 'never'];

interface DeviceFiltersProps {
  profiles: DeviceProfile[];
  onApply: (filter: DeviceFilter) => void;
}

/** Profile, connectivity and a code/name search; the org unit comes from the unit switcher. */
export function DeviceFilters({ profiles, onApply }: DeviceFiltersProps) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<DeviceFilter>(emptyDeviceFilter);

  function submit(event: FormEvent) {
    event.preventDefault();
    onApply({ ...draft, q: draft.q.trim() });
  }

  return (
    <form className="form-row" onSubmit={submit} role="search" aria-label={t('devices.filters')}>
      <div className="field">
        <label htmlFor="device-profile">{t('devices.profile')}</label>
        <select
          id="device-profile"
          value={draft.profile}
          onChange={(e) => setDraft({ ...draft, profile: e.target.value })}
        >
          <option value="">{t('devices.anyProfile')}</option>
          {profiles.map((p) => (
            <option key={p.code} value={p.code}>
              {localizedName(p.name, i18n.language)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="device-connectivity">{t('devices.connectivityLabel')}</label>
        <select
          id="device-connectivity"
          value={draft.connectivity}
          onChange={(e) =>
            setDraft({ ...draft, connectivity: e.target.value as DeviceFilter['connectivity'] })
          }
        >
          <option value="">{t('devices.anyConnectivity')}</option>
          {connectivities.map((c) => (
            <option key={c} value={c}>
              {t(`devices.connectivity.${c}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="device-q">{t('devices.search')}</label>
        <input
          id="device-q"
          value={draft.q}
          maxLength={100}
          onChange={(e) => setDraft({ ...draft, q: e.target.value })}
        />
      </div>
      <button type="submit">{t('devices.applyFilters')}</button>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setDraft(emptyDeviceFilter);
          onApply(emptyDeviceFilter);
        }}
      >
        {t('devices.clearFilters')}
      </button>
    </form>
  );
}
