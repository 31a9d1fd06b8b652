import type { BoundaryGeometry } from '@civitas/contracts/common';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { feature, featureCollection, point } from '@turf/helpers';
import { union } from '@turf/union';
import { latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js';

/** Resolution 9 cells are about 0.1 km²: fine enough that a grid covers a handful of them. */
export const UNIT_CELL_RESOLUTION = 9;

/** Every H3 cell that overlaps the boundary (not only those whose centre lies inside), as candidates. */
export function cellsCovering(boundary: BoundaryGeometry): string[] {
  const polygons = boundary.type === 'Polygon' ? [boundary.coordinates] : boundary.coordinates;
  const cells = new Set<string>();
  for (const rings of polygons) {
    for (const c of polygonToCellsExperimental(
      rings,
      UNIT_CELL_RESOLUTION,
      POLYGON_TO_CELLS_FLAGS.containmentOverlapping,
      true,
    )) {
      cells.add(c);
    }
  }
  return [...cells];
}

export const cellOf = (lat: number, lng: number) => latLngToCell(lat, lng, UNIT_CELL_RESOLUTION);

export function contains(boundary: BoundaryGeometry, lat: number, lng: number): boolean {
  return booleanPointInPolygon(point([lng, lat]), boundary);
}

/**
 * The area of both boundaries (a merge's new boundary): a Polygon where they share an edge, a
 * MultiPolygon where they do not touch.
 */
export function unionOf(a: BoundaryGeometry, b: BoundaryGeometry): BoundaryGeometry {
  const joined = union(featureCollection([feature(a), feature(b)]));
  if (!joined) throw new Error('union of two non-empty boundaries is empty');
  return joined.geometry as BoundaryGeometry;
}
