import { endpoints } from '@civitas/contracts/endpoints';
import type { HomeCases } from '@civitas/contracts/home';
import type { TFunction } from 'i18next';
import type { Figure } from './figure-list';
import { useUnits } from '../../app/unit-context';
import { useEndpoint } from '../../app/use-resource';

/** The home's figures for the unit chosen in the header (all of the user's units when none). */
export function useHome(trendDays: 30 | 90 = 30, refresh?: number) {
  const { selectedUnitId, loading } = useUnits();
  // Asked once the units are known: asking before would draw the figures of all units and then
  // those of the chosen one.
  return useEndpoint(
    endpoints.home.overview,
    loading ? null : { query: { trendDays, ...(selectedUnitId ? { unitId: selectedUnitId } : {}) } },
    refresh,
  );
}

/** The inbox filtered as a home figure counted it. */
export function inboxLink(filter: Record<string, string>, unitId: string | null): string {
  const params = new URLSearchParams(filter);
  if (unitId) params.set('unitId', unitId);
  return `/cases?${params.toString()}`;
}

/** Overdue (a link to the overdue inbox) and due soon (no inbox filter says "due soon"). */
export function deadlineFigures(c: HomeCases, unitId: string | null, t: TFunction): Figure[] {
  return [
    {
      name: 'overdue',
      label: t('home.fig.overdue'),
      value: c.overdue,
      alert: true,
      to: inboxLink({ overdue: 'true' }, unitId),
    },
    {
      name: 'dueSoon',
      label: t('home.fig.dueSoon', { hours: c.dueSoonHours }),
      value: c.dueSoon,
      alert: true,
    },
  ];
}
