import { openCaseStates } from '@civitas/contracts/cases';
import { endpoints } from '@civitas/contracts/endpoints';
import type { HomeOverview } from '@civitas/contracts/home';
import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { localizedName } from '../../app/localized';
import { useUnits } from '../../app/unit-context';
import { useEndpoint } from '../../app/use-resource';
import { ErrorMessage } from '../../components/error-message';
import { TableRegion } from '../../components/table-region';
import { liveStateKey, useLiveEvents } from '../devices/use-live-events';
import { PeopleAndDevices } from './community-home';
import { FigureList } from './figure-list';
import { TargetFigures } from './target-figures';
import { deadlineFigures, inboxLink } from './use-home';

const MetricsChart = lazy(() => import('../metrics/metrics-chart'));
const DAY = 86_400_000;
/** Device events arrive many a second; the figures are asked for again at most this often. */
const LIVE_REFRESH_MS = 15_000;

/**
 * The situation of a street or district on one screen: key figures against their targets, open
 * and overdue cases with the units they sit in (each a link to that unit's inbox), the daily
 * trend, residents and device health. Device events on the live stream refresh it.
 */
export function OfficeSections({
  home,
  trendDays,
  onTrendDays,
  onLive,
}: {
  home: HomeOverview;
  trendDays: 30 | 90;
  onTrendDays: (d: 30 | 90) => void;
  onLive: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { selectedUnitId: unitId } = useUnits();
  const [since] = useState(() => new Date(Math.floor(Date.now() / 60_000) * 60_000 - 30 * DAY).toISOString());
  const metrics = useEndpoint(
    endpoints.metrics.cases,
    home.targets ? { query: { from: since, ...(unitId ? { unitId } : {}) } } : null,
  );
  const last = useRef(0);
  const onMessage = useCallback(() => {
    const now = Date.now();
    if (now - last.current < LIVE_REFRESH_MS) return;
    last.current = now;
    onLive();
  }, [onLive]);
  const live = useLiveEvents(onMessage, unitId);
  const c = home.cases;
  const trend = home.trend ?? [];
  return (
    <>
      <p className="live-state" role="status" data-testid="home-live">
        {t(liveStateKey(live))}
      </p>
      <section aria-labelledby="home-targets">
        <h2 id="home-targets">{t('home.keyFigures')}</h2>
        {metrics.error && <ErrorMessage error={metrics.error} />}
        {c && (
          <FigureList
            label={t('home.keyFigures')}
            figures={[
              {
                name: 'open',
                label: t('home.fig.open'),
                value: c.open,
                to: inboxLink({ state: openCaseStates.join(',') }, unitId),
              },
              ...deadlineFigures(c, unitId, t),
            ]}
          />
        )}
        {home.targets && metrics.data && (
          <TargetFigures targets={home.targets} figures={metrics.data.total} />
        )}
      </section>
      {c && c.byUnit.length > 0 && (
        <section aria-labelledby="home-by-unit">
          <h2 id="home-by-unit">{t('home.byUnit')}</h2>
          <TableRegion label={t('home.byUnit')}>
            <table data-testid="home-by-unit">
              <thead>
                <tr>
                  <th scope="col">{t('home.unit')}</th>
                  <th scope="col">{t('home.fig.open')}</th>
                  <th scope="col">{t('home.fig.overdue')}</th>
                </tr>
              </thead>
              <tbody>
                {[...c.byUnit]
                  .sort((a, b) => b.overdue - a.overdue || b.open - a.open)
                  .map((row) => (
                    <tr key={row.unit.id} data-unit={row.unit.code}>
                      <th scope="row">
                        <Link to={inboxLink({ overdue: 'true' }, row.unit.id)}>
                          {localizedName(row.unit.name, i18n.language)}
                        </Link>
                      </th>
                      <td data-col="open">{row.open}</td>
                      <td data-col="overdue" className={row.overdue > 0 ? 'attention-text' : undefined}>
                        {row.overdue}
                        {row.overdue > 0 && (
                          <span className="visually-hidden"> {t('home.needsAttention')}</span>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </TableRegion>
        </section>
      )}
      {home.trend && (
        <section aria-labelledby="home-trend">
          <h2 id="home-trend">{t('home.trend', { days: trendDays })}</h2>
          <div className="segmented" role="group" aria-label={t('home.trendPeriod')}>
            {([30, 90] as const).map((d) => (
              <button key={d} type="button" aria-pressed={trendDays === d} onClick={() => onTrendDays(d)}>
                {t('home.days', { count: d })}
              </button>
            ))}
          </div>
          <Suspense fallback={<p>{t('common.loading')}</p>}>
            <MetricsChart
              labels={trend.map((d) => d.date.slice(5))}
              values={trend.map((d) => d.reported)}
              seriesName={t('home.reported')}
              label={t('home.trendSummary', {
                days: trendDays,
                reported: trend.reduce((a, d) => a + d.reported, 0),
                resolved: trend.reduce((a, d) => a + d.resolved, 0),
              })}
            />
          </Suspense>
        </section>
      )}
      <PeopleAndDevices home={home} />
    </>
  );
}
