import { useTranslation } from 'react-i18next';
import type { CaseMetricFigures } from '@civitas/contracts/metrics';
import { formatCount, formatDuration, formatMean, formatRate } from './metrics-format';
import { TableRegion } from '../../components/table-region';

const ratings = ['1', '2', '3', '4', '5'] as const;

/** The figures of the whole chosen unit and period (the `total` of the answer). */
export function MetricsSummary({ figures }: { figures: CaseMetricFigures }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const rows: [key: string, label: string, value: string][] = [
    ['total', t('metrics.figure.total'), formatCount(figures.cases.total, lang)],
    ['open', t('metrics.figure.open'), formatCount(figures.cases.open, lang)],
    ['resolved', t('metrics.figure.resolved'), formatCount(figures.cases.resolved, lang)],
    ['closed', t('metrics.figure.closed'), formatCount(figures.cases.closed, lang)],
    ['rejected', t('metrics.figure.rejected'), formatCount(figures.cases.rejected, lang)],
    ['duplicate', t('metrics.figure.duplicate'), formatCount(figures.cases.duplicate, lang)],
    [
      'response-median',
      t('metrics.figure.responseMedian'),
      formatDuration(figures.responseTime.medianSeconds, lang),
    ],
    ['response-p90', t('metrics.figure.responseP90'), formatDuration(figures.responseTime.p90Seconds, lang)],
    [
      'resolution-median',
      t('metrics.figure.resolutionMedian'),
      formatDuration(figures.resolutionTime.medianSeconds, lang),
    ],
    [
      'resolution-p90',
      t('metrics.figure.resolutionP90'),
      formatDuration(figures.resolutionTime.p90Seconds, lang),
    ],
    [
      'ontime-response',
      t('metrics.figure.onTimeResponse'),
      t('metrics.rateOf', {
        rate: formatRate(figures.onTime.response.rate, lang),
        onTime: figures.onTime.response.onTime,
        judged: figures.onTime.response.onTime + figures.onTime.response.late,
      }),
    ],
    [
      'ontime-resolution',
      t('metrics.figure.onTimeResolution'),
      t('metrics.rateOf', {
        rate: formatRate(figures.onTime.resolution.rate, lang),
        onTime: figures.onTime.resolution.onTime,
        judged: figures.onTime.resolution.onTime + figures.onTime.resolution.late,
      }),
    ],
    [
      'reopen',
      t('metrics.figure.reopen'),
      t('metrics.reopenOf', {
        rate: formatRate(figures.reopen.rate, lang),
        reopened: figures.reopen.reopened,
        resolved: figures.reopen.everResolved,
      }),
    ],
    [
      'satisfaction',
      t('metrics.figure.satisfaction'),
      t('metrics.meanOf', {
        mean: formatMean(figures.satisfaction.mean, lang),
        count: figures.satisfaction.count,
      }),
    ],
  ];
  return (
    <div className="metrics-summary">
      <dl className="details" data-testid="metrics-summary">
        {rows.map(([key, label, value]) => (
          <div className="detail-row" key={key} data-figure={key}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <TableRegion label={t('metrics.distribution')}>
        <table data-testid="satisfaction-distribution">
          <caption>{t('metrics.distribution')}</caption>
          <thead>
            <tr>
              {ratings.map((r) => (
                <th scope="col" key={r}>
                  {t('metrics.stars', { count: Number(r) })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {ratings.map((r) => (
                <td key={r}>{formatCount(figures.satisfaction.distribution[r], lang)}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </TableRegion>
    </div>
  );
}
