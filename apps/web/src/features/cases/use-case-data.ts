import type { CaseCategory } from '@civitas/contracts/cases';
import { useResource } from '../../app/use-resource';

type Bbox = [west: number, south: number, east: number, north: number];

interface PublicConfig {
  tileUrl: string | null;
  tileAttribution: string | null;
  /** The installation area; null before any boundary is drawn. */
  mapArea?: { bbox: Bbox; center: [lng: number, lat: number] } | null;
}

export function useMapConfig(): {
  ready: boolean;
  tileUrl: string | null;
  tileAttribution: string | null;
  area: Bbox | null;
} {
  const config = useResource<PublicConfig>('/config/public');
  return {
    ready: config.data !== null || config.error !== null,
    tileUrl: config.data?.tileUrl ?? null,
    tileAttribution: config.data?.tileAttribution ?? null,
    area: config.data?.mapArea?.bbox ?? null,
  };
}

/** Active categories in display order; inactive ones stay readable on old cases but are not offered. */
export function useCategories(): { categories: CaseCategory[]; loading: boolean; error: Error | null } {
  const res = useResource<{ items: CaseCategory[] }>('/case-categories');
  return {
    categories: (res.data?.items ?? []).filter((c) => c.active),
    loading: res.loading,
    error: res.error,
  };
}
