import { endpoints } from '@civitas/contracts/endpoints';
import { useUnits } from '../../app/unit-context';
import { useEndpoint } from '../../app/use-resource';

/** The home's figures for the unit chosen in the header (all of the user's units when none). */
export function useHome(trendDays: 30 | 90 = 30, refresh?: number) {
  const { selectedUnitId } = useUnits();
  return useEndpoint(
    endpoints.home.overview,
    { query: { trendDays, ...(selectedUnitId ? { unitId: selectedUnitId } : {}) } },
    refresh,
  );
}

/** The inbox filtered as a home figure counted it. */
export function inboxLink(filter: Record<string, string>, unitId: string | null): string {
  const params = new URLSearchParams(filter);
  if (unitId) params.set('unitId', unitId);
  return `/cases?${params.toString()}`;
}
