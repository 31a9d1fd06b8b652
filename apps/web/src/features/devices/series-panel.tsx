import { endpoints } from '@civitas/contracts/endpoints';
import { lazy, Suspense, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceProfile } from '@civitas/contracts/devices';
import { formatDateTime } from '../../app/localized';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import type { LiveReading } from './device-api';
import { formatValue } from './latest-state';
import type { ChartPoint } from './series-chart';
import { metricLabel } from './metric-label';
import { unitSymbol } from './unit-symbols';
import { TableRegion } from '../../components/table-region';

// ECharts is the second-largest dependency: only a device's detail screen downloads it.
const SeriesChart = lazy(() => import('./series-chart'));

export const ranges = ['1h', '24h', '7d', '30d'] as const;
type Range = (typeof ranges)[number];
const rangeMs: Record<Range, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

interface SeriesPanelProps {
  deviceId: string;
  profile: DeviceProfile;
  /** Live readings of this device since the page opened, oldest first. */
  live: LiveReading[];
}

/** A metric over a chosen range; the server picks raw readings or rollups and says which. */
export function SeriesPanel({ deviceId, profile, live }: SeriesPanelProps) {
  const { t, i18n } = useTranslation();
  const numeric = profile.metrics.filter((m) => m.type === 'number');
  const [metric, setMetric] = useState(numeric[0]?.key ?? '');
  const [showTable, setShowTable] = useState(false);
  // The window is fixed when the range is chosen; live readings extend it past its end.
  const [span, setSpan] = useState<{ range: Range; to: number }>(() => ({ range: '1h', to: Date.now() }));
  const tableId = useId();
  const { range, to } = span;
  const from = to - rangeMs[range];
  const series = useEndpoint(
    endpoints.telemetry.series,
    metric
      ? {
          params: { id: deviceId },
          query: { metric, from: new Date(from).toISOString(), to: new Date(to + 60_000).toISOString() },
        }
      : null,
  );

  const points = useMemo((): ChartPoint[] => {
    const loaded = series.data?.points ?? [];
    const last = loaded.at(-1)?.ts ?? '';
    const fresh = live
      .filter((r) => r.metric === metric && typeof r.value === 'number' && r.ts > last)
      .map((r) => ({ ts: r.ts, value: r.value as number }));
    return [...loaded, ...fresh];
  }, [series.data, live, metric]);

  const unit = numeric.find((m) => m.key === metric)?.unit ?? null;
  const label = metricLabel(profile, metric, i18n.language);
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const latest = points.at(-1);
  const summary =
    values.length === 0
      ? t('device.chart.empty', { metric: label, range: t(`device.range.${range}`) })
      : t('device.chart.summary', {
          metric: label,
          range: t(`device.range.${range}`),
          count: points.length,
          min: formatValue(Math.min(...values), unit, i18n.language),
          max: formatValue(Math.max(...values), unit, i18n.language),
          latest: formatValue(latest?.value ?? null, unit, i18n.language),
          at: formatDateTime(latest?.ts ?? null, i18n.language),
        });
  const rangeLabels = useMemo(
    () => ({ mean: t('device.chart.value'), min: t('device.chart.min'), max: t('device.chart.max') }),
    [t],
  );

  if (numeric.length === 0) return <p className="muted">{t('device.chart.noNumeric')}</p>;
  return (
    <div data-testid="series-panel" data-bucket={series.data?.bucket ?? ''}>
      <div className="form-row">
        <div className="field">
          <label htmlFor="series-metric">{t('device.metric')}</label>
          <select id="series-metric" value={metric} onChange={(e) => setMetric(e.target.value)}>
            {numeric.map((m) => (
              <option key={m.key} value={m.key}>
                {metricLabel(profile, m.key, i18n.language)}
                {unitSymbol(m.unit) ? ` (${unitSymbol(m.unit)})` : ''}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="range-picker">
          <legend>{t('device.range.label')}</legend>
          {ranges.map((r) => (
            <label key={r}>
              <input
                type="radio"
                name="series-range"
                value={r}
                checked={range === r}
                onChange={() => setSpan({ range: r, to: Date.now() })}
              />
              {t(`device.range.${r}`)}
            </label>
          ))}
        </fieldset>
      </div>
      <StatusMessage>
        {series.loading && !series.data
          ? t('common.loading')
          : series.data
            ? t('device.chart.bucket', { bucket: t(`device.bucket.${series.data.bucket}`) })
            : ''}
      </StatusMessage>
      <ErrorMessage error={series.error} />
      <p className="visually-hidden" data-testid="chart-summary">
        {summary}
      </p>
      <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
        <SeriesChart points={points} unit={unitSymbol(unit)} label={summary} rangeLabels={rangeLabels} />
      </Suspense>
      <button
        type="button"
        className="secondary"
        aria-expanded={showTable}
        aria-controls={tableId}
        onClick={() => setShowTable((v) => !v)}
      >
        {showTable ? t('device.chart.hideTable') : t('device.chart.showTable')}
      </button>
      <TableRegion id={tableId} hidden={!showTable} label={summary}>
        {showTable && (
          <table data-testid="series-table">
            <caption>{summary}</caption>
            <thead>
              <tr>
                <th scope="col">{t('device.readAt')}</th>
                <th scope="col">{t('device.chart.value')}</th>
                <th scope="col">{t('device.chart.min')}</th>
                <th scope="col">{t('device.chart.max')}</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.ts}>
                  <td>{formatDateTime(p.ts, i18n.language)}</td>
                  <td>{formatValue(p.value, unit, i18n.language)}</td>
                  <td>{p.min === undefined ? '—' : formatValue(p.min, unit, i18n.language)}</td>
                  <td>{p.max === undefined ? '—' : formatValue(p.max, unit, i18n.language)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </TableRegion>
    </div>
  );
}
