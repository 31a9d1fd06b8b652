import { useTranslation } from 'react-i18next';
import { periodKinds, type Period } from './metrics-period';

/** The last 30 days, this month, the last 90 days, this year, or chosen calendar days. */
export function PeriodPicker({ period, onChange }: { period: Period; onChange: (next: Period) => void }) {
  const { t } = useTranslation();
  return (
    <>
      <fieldset className="range-picker">
        <legend>{t('metrics.period.label')}</legend>
        {periodKinds.map((kind) => (
          <label key={kind}>
            <input
              type="radio"
              name="metrics-period"
              value={kind}
              checked={period.kind === kind}
              onChange={() => onChange({ ...period, kind })}
            />
            {t(`metrics.period.${kind}`)}
          </label>
        ))}
      </fieldset>
      {period.kind === 'custom' && (
        <>
          <div className="field">
            <label htmlFor="metrics-from">{t('metrics.period.from')}</label>
            <input
              id="metrics-from"
              type="date"
              value={period.customFrom}
              onChange={(e) => onChange({ ...period, customFrom: e.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="metrics-to">{t('metrics.period.to')}</label>
            <input
              id="metrics-to"
              type="date"
              value={period.customTo}
              onChange={(e) => onChange({ ...period, customTo: e.target.value })}
            />
          </div>
        </>
      )}
    </>
  );
}
