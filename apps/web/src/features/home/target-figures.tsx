import type { HomeTargets } from '@civitas/contracts/home';
import type { CaseMetricFigures } from '@civitas/contracts/metrics';
import { useTranslation } from 'react-i18next';
import { formatMean, formatRate } from '../metrics/metrics-format';

interface Row {
  name: string;
  label: string;
  value: number | null;
  target: number;
  format: (v: number | null) => string;
}

/**
 * The key figures of the last 30 days against their targets (configuration: TARGET_*). A figure
 * below its target says so in words, not only in colour; one without cases says there is none.
 */
export function TargetFigures({ targets, figures }: { targets: HomeTargets; figures: CaseMetricFigures }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const rows: Row[] = [
    {
      name: 'responseOnTime',
      label: t('home.fig.responseOnTime'),
      value: figures.onTime.response.rate,
      target: targets.responseOnTimeRate,
      format: (v) => formatRate(v, lang),
    },
    {
      name: 'resolutionOnTime',
      label: t('home.fig.resolutionOnTime'),
      value: figures.onTime.resolution.rate,
      target: targets.resolutionOnTimeRate,
      format: (v) => formatRate(v, lang),
    },
    {
      name: 'satisfaction',
      label: t('home.fig.satisfaction'),
      value: figures.satisfaction.mean,
      target: targets.satisfactionMean,
      format: (v) => formatMean(v, lang),
    },
  ];
  return (
    <ul className="figure-list" aria-label={t('home.against')} data-testid="home-targets">
      {rows.map((r) => {
        const below = r.value !== null && r.value < r.target;
        return (
          <li
            key={r.name}
            className={below ? 'figure attention' : 'figure'}
            data-figure={r.name}
            data-value={r.value ?? ''}
          >
            <div>
              <span className="figure-value">{r.format(r.value)}</span>
              <span className="figure-label">{r.label}</span>
              <span className="figure-target">{t('home.target', { target: r.format(r.target) })}</span>
              <span className={below ? 'figure-flag' : 'figure-flag figure-flag-off'}>
                {t('home.belowTarget')}
              </span>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
