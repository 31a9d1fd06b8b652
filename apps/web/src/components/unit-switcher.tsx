import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useUnits } from '../app/unit-context';
import { localizedName } from '../app/localized';

/** Chooses the org unit the lists work on; only units inside the user's grants are offered. */
export function UnitSwitcher() {
  const { t, i18n } = useTranslation();
  const { units, selectedUnitId, selectUnit } = useUnits();
  const id = useId();
  if (units.length === 0) return null;
  const minDepth = Math.min(...units.map((u) => u.depth));
  return (
    <div className="field-inline">
      <label htmlFor={id}>{t('shell.unit')}</label>
      <select
        id={id}
        value={selectedUnitId ?? ''}
        onChange={(e) => selectUnit(e.target.value)}
        data-testid="unit-switcher"
      >
        {units.map((u) => (
          <option key={u.id} value={u.id}>
            {'\u00a0\u00a0'.repeat(Math.max(0, u.depth - minDepth))}
            {localizedName(u.name, i18n.language)}
          </option>
        ))}
      </select>
    </div>
  );
}
