import { endpoints } from '@civitas/contracts/endpoints';
import type { CaseCategory } from '@civitas/contracts/cases';
import { useEndpoint } from '../../app/use-resource';

type Bbox = [west: number, south: number, east: number, north: number];

export function useMapConfig(): {
  ready: boolean;
  tileUrl: string | null;
  tileAttribution: string | null;
  area: Bbox | null;
} {
  const config = useEndpoint(endpoints.system.publicConfig, {});
  return {
    ready: config.data !== null || config.error !== null,
    tileUrl: config.data?.tileUrl ?? null,
    tileAttribution: config.data?.tileAttribution ?? null,
    area: config.data?.mapArea?.bbox ?? null,
  };
}

/** Active categories in display order; inactive ones stay readable on old cases but are not offered. */
export function useCategories(): { categories: CaseCategory[]; loading: boolean; error: Error | null } {
  const res = useEndpoint(endpoints.caseConfig.categories, {});
  return {
    categories: (res.data?.items ?? []).filter((c) => c.active),
    loading: res.loading,
    error: res.error,
  };
}
