import { useTranslation } from 'react-i18next';
import type { CaseMetricsGroup, MetricsGroupBy } from '@civitas/contracts/metrics';
import { durationUnitOf, formatCount, formatDurationIn, formatMean, formatRate } from './metrics-format';
import { TableRegion } from '../../components/table-region';

interface MetricsTableProps {
  groups: CaseMetricsGroup[];
  groupBy: Exclude<MetricsGroupBy, 'none'>;
  caption: string;
  groupLabel: (group: CaseMetricsGroup) => string;
  /** Set when a row leads further down (a child unit that is not a leaf). */
  canDrill: (group: CaseMetricsGroup) => boolean;
  onDrill: (group: CaseMetricsGroup) => void;
}

/**
 * One row per group. It is also the text alternative of the chart. A drillable row opens on a
 * click anywhere in it; its name is a button so the keyboard reaches the same action.
 */
export function MetricsTable({ groups, groupBy, caption, groupLabel, canDrill, onDrill }: MetricsTableProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const durations = {
    responseMedian: groups.map((g) => g.figures.responseTime.medianSeconds),
    responseP90: groups.map((g) => g.figures.responseTime.p90Seconds),
    resolutionMedian: groups.map((g) => g.figures.resolutionTime.medianSeconds),
    resolutionP90: groups.map((g) => g.figures.resolutionTime.p90Seconds),
  };
  const units = {
    responseMedian: durationUnitOf(durations.responseMedian),
    responseP90: durationUnitOf(durations.responseP90),
    resolutionMedian: durationUnitOf(durations.resolutionMedian),
    resolutionP90: durationUnitOf(durations.resolutionP90),
  };
  const durationHeader = (key: keyof typeof units) =>
    `${t(`metrics.figure.${key}`)} (${t(`metrics.unit.${units[key]}`)})`;
  return (
    <TableRegion label={caption}>
      <table data-testid="metrics-table" className="metrics-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t(`metrics.column.${groupBy}`)}</th>
            <th scope="col">{t('metrics.figure.total')}</th>
            <th scope="col">{t('metrics.figure.open')}</th>
            <th scope="col">{durationHeader('responseMedian')}</th>
            <th scope="col">{durationHeader('responseP90')}</th>
            <th scope="col">{durationHeader('resolutionMedian')}</th>
            <th scope="col">{durationHeader('resolutionP90')}</th>
            <th scope="col">{t('metrics.figure.onTimeResponse')}</th>
            <th scope="col">{t('metrics.figure.onTimeResolution')}</th>
            <th scope="col">{t('metrics.figure.reopen')}</th>
            <th scope="col">{t('metrics.figure.satisfaction')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const drill = canDrill(g);
            const f = g.figures;
            return (
              <tr
                key={g.key}
                data-key={g.key}
                data-total={f.cases.total}
                className={drill ? 'drillable' : undefined}
                onClick={drill ? () => onDrill(g) : undefined}
              >
                <th scope="row">
                  {drill ? (
                    <button
                      type="button"
                      className="link-button"
                      aria-describedby="metrics-drill-hint"
                      onClick={(e) => {
                        // The row handles the click; the button exists for the keyboard.
                        e.stopPropagation();
                        onDrill(g);
                      }}
                    >
                      {groupLabel(g)}
                    </button>
                  ) : (
                    groupLabel(g)
                  )}
                </th>
                <td data-col="total">{formatCount(f.cases.total, lang)}</td>
                <td data-col="open">{formatCount(f.cases.open, lang)}</td>
                <td data-col="response-median">
                  {formatDurationIn(f.responseTime.medianSeconds, units.responseMedian, lang)}
                </td>
                <td data-col="response-p90">
                  {formatDurationIn(f.responseTime.p90Seconds, units.responseP90, lang)}
                </td>
                <td data-col="resolution-median">
                  {formatDurationIn(f.resolutionTime.medianSeconds, units.resolutionMedian, lang)}
                </td>
                <td data-col="resolution-p90">
                  {formatDurationIn(f.resolutionTime.p90Seconds, units.resolutionP90, lang)}
                </td>
                <td data-col="ontime-response">{formatRate(f.onTime.response.rate, lang)}</td>
                <td data-col="ontime-resolution">{formatRate(f.onTime.resolution.rate, lang)}</td>
                <td data-col="reopen">{formatRate(f.reopen.rate, lang)}</td>
                <td data-col="satisfaction">
                  {formatMean(f.satisfaction.mean, lang)}
                  {f.satisfaction.count > 0 ? ` (${formatCount(f.satisfaction.count, lang)})` : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableRegion>
  );
}
