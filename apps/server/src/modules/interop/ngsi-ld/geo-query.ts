import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import { greatCircleDistance } from 'h3-js';
import { badRequestData } from './ngsi-ld.errors.js';

/**
 * Geo-queries (CIM 009 clause 4.10) over point entities: `near;maxDistance==m` / `near;minDistance==m`
 * around a Point, and `within`, `intersects`, `disjoint`, `contains`, `equals` against a Point,
 * Polygon or MultiPolygon. Every Civitas device is a point, which keeps each relation a point test.
 */
export type GeoQuery =
  | { rel: 'near'; point: Position; maxDistance?: number; minDistance?: number }
  | { rel: 'within' | 'intersects' | 'disjoint'; area: Polygon | MultiPolygon }
  | { rel: 'contains' | 'equals' | 'intersects' | 'disjoint'; point: Position }
  /** A point can neither contain nor equal an area: the query matches nothing. */
  | { rel: 'none' };

type Position = [number, number];
const RELS = ['near', 'within', 'contains', 'intersects', 'equals', 'disjoint'] as const;

export function parseGeoQuery(p: {
  georel?: string | undefined;
  geometry?: string | undefined;
  coordinates?: string | undefined;
  geoproperty?: string | undefined;
}): GeoQuery | null {
  if (p.georel === undefined && p.geometry === undefined && p.coordinates === undefined) return null;
  if (!p.georel || !p.geometry || !p.coordinates)
    throw badRequestData('georel, geometry and coordinates must be given together');
  if (p.geoproperty !== undefined && p.geoproperty !== 'location')
    throw badRequestData('geoproperty: only location is supported');
  const [rel = '', ...mods] = p.georel.split(';');
  if (!(RELS as readonly string[]).includes(rel))
    throw badRequestData(`georel: unknown relation ${rel.slice(0, 40)}`);
  let coordinates: unknown;
  try {
    coordinates = JSON.parse(p.coordinates);
  } catch {
    throw badRequestData('coordinates: not a JSON array');
  }
  const geometry = p.geometry;
  if (rel === 'near') {
    if (geometry !== 'Point') throw badRequestData('georel near needs geometry=Point');
    const q: GeoQuery = { rel: 'near', point: position(coordinates) };
    for (const m of mods) {
      const mm = /^(maxDistance|minDistance)==(\d+(\.\d+)?)$/.exec(m);
      if (!mm) throw badRequestData(`georel: bad near modifier ${m.slice(0, 40)}`);
      q[mm[1] as 'maxDistance' | 'minDistance'] = Number(mm[2]);
    }
    if (q.maxDistance === undefined && q.minDistance === undefined)
      throw badRequestData('georel near needs maxDistance or minDistance');
    return q;
  }
  if (mods.length > 0) throw badRequestData(`georel ${rel} takes no modifiers`);
  if (geometry === 'Point') {
    if (rel === 'within') return { rel: 'equals', point: position(coordinates) };
    return { rel: rel as 'contains' | 'equals' | 'intersects' | 'disjoint', point: position(coordinates) };
  }
  if (geometry === 'Polygon' || geometry === 'MultiPolygon') {
    if (rel === 'contains' || rel === 'equals') return { rel: 'none' };
    const area: Polygon | MultiPolygon =
      geometry === 'Polygon'
        ? { type: 'Polygon', coordinates: polygon(coordinates) }
        : { type: 'MultiPolygon', coordinates: list(coordinates).map(polygon) };
    return { rel, area } as GeoQuery;
  }
  throw badRequestData(`geometry: ${geometry.slice(0, 40)} is not supported (Point, Polygon, MultiPolygon)`);
}

/** Whether a point entity at [lng, lat] satisfies the query. */
export function geoMatches(q: GeoQuery, at: Position): boolean {
  if (q.rel === 'none') return false;
  if ('area' in q) {
    const inside = booleanPointInPolygon(at, q.area);
    return q.rel === 'disjoint' ? !inside : inside;
  }
  if (q.rel === 'near') {
    const d = distanceMeters(q.point, at);
    return (
      (q.maxDistance === undefined || d <= q.maxDistance) &&
      (q.minDistance === undefined || d >= q.minDistance)
    );
  }
  const same = q.point[0] === at[0] && q.point[1] === at[1];
  return q.rel === 'disjoint' ? !same : same;
}

/** Great-circle distance in metres between two [lng, lat] positions. */
export function distanceMeters(a: Position, b: Position): number {
  return greatCircleDistance([a[1], a[0]], [b[1], b[0]], 'm');
}

function list(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw badRequestData('coordinates: expected an array');
  return v as unknown[];
}

function position(v: unknown): Position {
  const a = list(v);
  const [lng, lat] = a;
  if (
    a.length !== 2 ||
    typeof lng !== 'number' ||
    typeof lat !== 'number' ||
    Math.abs(lng) > 180 ||
    Math.abs(lat) > 90
  )
    throw badRequestData('coordinates: expected [longitude, latitude]');
  return [lng, lat];
}

function polygon(v: unknown): Position[][] {
  const rings = list(v).map((r) => list(r).map(position));
  if (rings.length === 0) throw badRequestData('coordinates: a polygon needs at least one ring');
  for (const ring of rings) {
    const first = ring[0];
    const last = ring[ring.length - 1];
    if (ring.length < 4 || !first || !last || first[0] !== last[0] || first[1] !== last[1])
      throw badRequestData('coordinates: each polygon ring needs 4 or more positions and must be closed');
  }
  return rings;
}
