import { endpoints } from '@civitas/contracts/endpoints';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedName } from '@civitas/contracts/common';
import type { CaseMetricsGroup, MetricsGroupBy } from '@civitas/contracts/metrics';
import { hasCode } from '../../app/api-client';
import { useMe } from '../../app/auth-context';
import { formatDateTime, localizedName } from '../../app/localized';
import { usePageTitle } from '../../app/use-page-title';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { StatusMessage } from '../../components/status-message';
import { MetricsSummary } from './metrics-summary';
import { MetricsTable } from './metrics-table';
import { PeriodPicker } from './period-picker';
import { defaultPeriod, periodRange, type Period } from './metrics-period';

// ECharts is a large dependency: it loads as its own chunk, shared with the device charts.
const MetricsChart = lazy(() => import('./metrics-chart'));

type View = Exclude<MetricsGroupBy, 'none'>;
const views: readonly View[] = ['unit', 'category', 'month'];
const chartMetrics = ['total', 'resolutionMedian', 'onTimeResolution', 'satisfaction'] as const;
type ChartMetric = (typeof chartMetrics)[number];

interface Crumb {
  id: string;
  name: LocalizedName;
}

function chartValue(group: CaseMetricsGroup, metric: ChartMetric): number | null {
  const f = group.figures;
  switch (metric) {
    case 'total':
      return f.cases.total;
    case 'resolutionMedian':
      return f.resolutionTime.medianSeconds === null
        ? null
        : Math.round(f.resolutionTime.medianSeconds / 36) / 100;
    case 'onTimeResolution':
      return f.onTime.resolution.rate === null ? null : Math.round(f.onTime.resolution.rate * 1000) / 10;
    case 'satisfaction':
      return f.satisfaction.mean;
  }
}

/** Case center figures (issue 4, item 11) by unit, category or month, with a unit drill-down. */
export default function MetricsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  usePageTitle(t('metrics.title'));
  const [period, setPeriod] = useState<Period>(() => defaultPeriod(new Date()));
  // "Now" is fixed when the period changes, so the query (and the figures) stay put while reading.
  const [now, setNow] = useState(() => new Date());
  const [view, setView] = useState<View>('unit');
  const [trail, setTrail] = useState<Crumb[]>([]);
  const [chartMetric, setChartMetric] = useState<ChartMetric>('total');
  const headingRef = useRef<HTMLHeadingElement>(null);
  // After a drill step the heading takes the focus, so keyboard users land on the new unit.
  const focusPending = useRef(false);

  const range = periodRange(period, now);
  const current = trail.at(-1) ?? null;
  const res = useEndpoint(
    endpoints.metrics.cases,
    range ? { query: { unitId: current?.id, from: range.from, to: range.to, groupBy: view } } : null,
  );
  const data = res.data;
  // With several metrics grants the server cannot pick a default unit; the user chooses one.
  const me = useMe();
  const unitRequired = hasCode(res.error, 'unit_required');
  const grantUnits = useMemo(
    () => [
      ...new Map(me.grants.map((g) => [g.orgUnitId, { id: g.orgUnitId, name: g.orgUnitName }])).values(),
    ],
    [me.grants],
  );

  useEffect(() => {
    if (focusPending.current && data) {
      focusPending.current = false;
      headingRef.current?.focus();
    }
  }, [data]);

  // The answer names the unit measured; without a trail that is the unit of the user's grant.
  const root: Crumb | null = trail[0] ?? (data ? { id: data.unit.id, name: data.unit.name } : null);
  const crumbs = trail.length > 0 ? trail : root ? [root] : [];

  const groupLabel = (g: CaseMetricsGroup): string => {
    if (g.direct) return t('metrics.direct', { name: data ? localizedName(data.unit.name, lang) : '' });
    if (g.unit) return `${localizedName(g.unit.name, lang)} (${t(`unitTypes.${g.unit.type}`)})`;
    if (g.category) return localizedName(g.category.name, lang);
    return g.month ?? g.key;
  };

  const drillInto = (g: CaseMetricsGroup) => {
    if (!g.unit || !root) return;
    const unit = g.unit;
    setTrail((prev) => [...(prev.length > 0 ? prev : [root]), { id: unit.id, name: unit.name }]);
    focusPending.current = true;
  };

  const goUp = (index: number) => {
    setTrail((prev) => prev.slice(0, index + 1));
    focusPending.current = true;
  };

  const groups = useMemo(() => data?.groups ?? [], [data]);
  const chartLabels = useMemo(
    () =>
      groups.map((g) =>
        g.direct
          ? t('metrics.directShort')
          : g.unit
            ? localizedName(g.unit.name, lang)
            : g.category
              ? localizedName(g.category.name, lang)
              : (g.month ?? g.key),
      ),
    [groups, lang, t],
  );
  const chartValues = useMemo(() => groups.map((g) => chartValue(g, chartMetric)), [groups, chartMetric]);
  const unitName = data ? localizedName(data.unit.name, lang) : '';
  const caption = t(`metrics.caption.${view}`, { unit: unitName });
  const chartSeries = t(`metrics.chart.${chartMetric}`);

  return (
    <>
      <h1>{t('metrics.title')}</h1>
      <p className="hint">{t('metrics.intro')}</p>
      <div className="form-row">
        <PeriodPicker
          period={period}
          onChange={(next) => {
            setPeriod(next);
            setNow(new Date());
          }}
        />
      </div>
      <div className="segmented" role="group" aria-label={t('metrics.viewLabel')}>
        {views.map((v) => (
          <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
            {t(`metrics.view.${v}`)}
          </button>
        ))}
      </div>
      {crumbs.length > 0 && (
        <nav aria-label={t('metrics.breadcrumb')} className="breadcrumb" data-testid="metrics-breadcrumb">
          <ol>
            {crumbs.map((c, i) => (
              <li key={c.id}>
                {i === crumbs.length - 1 ? (
                  <span aria-current="location">{localizedName(c.name, lang)}</span>
                ) : (
                  <button type="button" className="link-button" onClick={() => goUp(i)}>
                    {localizedName(c.name, lang)}
                  </button>
                )}
              </li>
            ))}
          </ol>
        </nav>
      )}
      {!range && <p className="error">{t('metrics.badPeriod')}</p>}
      <StatusMessage>{res.loading ? t('common.loading') : ''}</StatusMessage>
      {unitRequired ? (
        <div className="field">
          <label htmlFor="metrics-unit">{t('metrics.chooseUnit')}</label>
          <select
            id="metrics-unit"
            value=""
            onChange={(e) => {
              const unit = grantUnits.find((u) => u.id === e.target.value);
              if (unit) setTrail([unit]);
            }}
          >
            <option value="">{t('metrics.chooseUnitPlaceholder')}</option>
            {grantUnits.map((u) => (
              <option key={u.id} value={u.id}>
                {localizedName(u.name, lang)}
              </option>
            ))}
          </select>
        </div>
      ) : (
        <ErrorMessage error={res.error} />
      )}
      {data && (
        <section
          aria-labelledby="metrics-unit-heading"
          data-testid="metrics-result"
          data-unit-id={data.unit.id}
        >
          <h2 id="metrics-unit-heading" ref={headingRef} tabIndex={-1}>
            {t('metrics.heading', { unit: unitName, type: t(`unitTypes.${data.unit.type}`) })}
          </h2>
          <p className="muted" data-testid="metrics-period">
            {t('metrics.periodText', {
              from: formatDateTime(data.from, lang),
              to: formatDateTime(data.to, lang),
              asOf: formatDateTime(data.asOf, lang),
            })}
          </p>
          <MetricsSummary figures={data.total} />
          <h3>{t(`metrics.view.${view}`)}</h3>
          {view === 'unit' && (
            <p className="hint" id="metrics-drill-hint">
              {t('metrics.drillHint')}
            </p>
          )}
          {groups.length === 0 ? (
            <p>{t('metrics.noGroups')}</p>
          ) : (
            <>
              <div className="field">
                <label htmlFor="metrics-chart-metric">{t('metrics.chart.label')}</label>
                <select
                  id="metrics-chart-metric"
                  value={chartMetric}
                  onChange={(e) => setChartMetric(e.target.value as ChartMetric)}
                >
                  {chartMetrics.map((m) => (
                    <option key={m} value={m}>
                      {t(`metrics.chart.${m}`)}
                    </option>
                  ))}
                </select>
              </div>
              <Suspense fallback={<p className="muted">{t('common.loading')}</p>}>
                <MetricsChart
                  labels={chartLabels}
                  values={chartValues}
                  seriesName={chartSeries}
                  label={t('metrics.chart.alt', { series: chartSeries, caption })}
                />
              </Suspense>
              <MetricsTable
                groups={groups}
                groupBy={view}
                caption={caption}
                groupLabel={groupLabel}
                canDrill={(g) => view === 'unit' && !g.direct && g.unit !== null && g.unit.type !== 'grid'}
                onDrill={drillInto}
              />
            </>
          )}
        </section>
      )}
    </>
  );
}
