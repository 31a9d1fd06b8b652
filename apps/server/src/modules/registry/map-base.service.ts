import type { MapBase } from '@civitas/contracts/endpoints/map';
import { Cache } from '../../platform/cache/cache.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { BuildingsRepository } from './buildings.repository.js';

/** Enough points to draw every building of a large district; beyond it the map says it shows part. */
export const MAP_BASE_MAX_BUILDINGS = 20_000;
/** Outlines and buildings change rarely; every map of every signed-in user asks for them. */
const TTL_MS = 60_000;

/**
 * The base a map draws when no tile server is configured (ADR 0050): unit outlines with names
 * and building points, the same for every signed-in user, as a tile server's map would be.
 */
export class MapBaseService {
  private readonly cache = new Cache<0, MapBase>({ ttlMs: TTL_MS, maxEntries: 1 });

  constructor(
    private readonly orgs: OrgsService,
    private readonly buildings: BuildingsRepository,
    private readonly maxBuildings = MAP_BASE_MAX_BUILDINGS,
  ) {}

  base(): Promise<MapBase> {
    return this.cache.load(0, async () => {
      const [units, points] = await Promise.all([
        this.orgs.outlines(),
        this.buildings.mapPoints(this.maxBuildings + 1),
      ]);
      return {
        units,
        buildings: points.slice(0, this.maxBuildings),
        buildingsTruncated: points.length > this.maxBuildings,
      };
    });
  }
}
