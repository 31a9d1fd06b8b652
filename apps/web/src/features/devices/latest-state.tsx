import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { DeviceProfile } from '@civitas/contracts/devices';
import { formatDateTime } from '../../app/localized';
import type { MetricState, MetricValue } from './device-api';
import { metricLabel } from './metric-label';
import { unitSymbol } from './unit-symbols';
import { TableRegion } from '../../components/table-region';

/** A value with its unit symbol; `unit` is the profile's UN/CEFACT code. */
export function formatValue(value: MetricValue, unit: string | null | undefined, lang: string): string {
  if (value === null) return '—';
  if (typeof value === 'number') {
    const text = value.toLocaleString(lang, { maximumFractionDigits: 3 });
    const symbol = unitSymbol(unit);
    return symbol ? `${text} ${symbol}` : text;
  }
  return String(value);
}

/** A text value in the reader's language where it is one of the built-in profiles' values. */
function valueText(value: MetricValue, unit: string | null | undefined, lang: string, t: TFunction): string {
  return typeof value === 'string'
    ? t(`messages.metricValue.${value}`, { defaultValue: value })
    : formatValue(value, unit, lang);
}

/** The digital twin: the newest value of each metric; values outside the profile's range are flagged. */
export function LatestState({
  states,
  profile,
}: {
  states: MetricState[];
  profile: DeviceProfile | undefined;
}) {
  const { t, i18n } = useTranslation();
  const unitOf = (metric: string) => profile?.metrics.find((m) => m.key === metric)?.unit ?? null;
  if (states.length === 0) return <p className="muted">{t('device.noReadings')}</p>;
  return (
    <TableRegion label={t('device.latestCaption')}>
      <table data-testid="latest-state">
        <caption>{t('device.latestCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('device.metric')}</th>
            <th scope="col">{t('device.value')}</th>
            <th scope="col">{t('device.readAt')}</th>
          </tr>
        </thead>
        <tbody>
          {states.map((s) => (
            <tr key={s.metric} data-metric={s.metric}>
              <th scope="row">{metricLabel(profile, s.metric, i18n.language)}</th>
              <td data-testid={`latest-${s.metric}`}>
                {valueText(s.value, unitOf(s.metric), i18n.language, t)}
                {s.outlier && (
                  <span className="badge badge-outlier" title={t('device.outlierHelp')}>
                    {t('device.outlier')}
                  </span>
                )}
              </td>
              <td>{formatDateTime(s.ts, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** Merges live readings into the latest state; an older reading never replaces a newer one. */
export function mergeStates(current: MetricState[], incoming: MetricState[]): MetricState[] {
  const byMetric = new Map(current.map((s) => [s.metric, s]));
  for (const r of incoming) {
    const old = byMetric.get(r.metric);
    if (!old || old.ts <= r.ts) byMetric.set(r.metric, r);
  }
  return [...byMetric.values()].sort((a, b) => a.metric.localeCompare(b.metric));
}
