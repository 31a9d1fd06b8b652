import { z } from 'zod';
import { boundaryGeometry, localizedName } from '../common.js';
import { defineEndpoint } from '../endpoint.js';

/**
 * The district's own geography for maps drawn without a tile server (docs/configuration.md,
 * "Maps"): unit outlines with their names and buildings as points. Names of places only: no codes,
 * no people, nothing a street sign would not show.
 */
export const mapBase = z.object({
  units: z.array(
    z.object({
      id: z.uuid(),
      type: z.string(),
      /** 0 for the district, growing towards grids; the web labels the levels the zoom can hold. */
      depth: z.number().int(),
      name: localizedName,
      boundary: boundaryGeometry,
    }),
  ),
  buildings: z.array(z.object({ name: z.string(), lat: z.number(), lng: z.number() })),
  /** True when there were more buildings than one answer carries (MAP_BASE_MAX_BUILDINGS). */
  buildingsTruncated: z.boolean(),
});
export type MapBase = z.infer<typeof mapBase>;

export const mapEndpoints = {
  base: defineEndpoint({
    method: 'GET',
    path: '/api/v1/map/base',
    tags: ['maps'],
    summary:
      "The district's unit outlines and building points, for a base map when no tile server is configured",
    responses: { 200: mapBase },
    errors: [],
  }),
};
