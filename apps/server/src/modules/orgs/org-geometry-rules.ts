import type { BoundaryGeometry } from '@civitas/contracts/common';
import type { BoundaryDefect } from '@civitas/contracts/orgs';
import { area } from '@turf/area';
import { bbox } from '@turf/bbox';
import { difference } from '@turf/difference';
import { feature, featureCollection } from '@turf/helpers';
import { intersect } from '@turf/intersect';

/**
 * The geometry rules of the org tree (ADR 0037): a boundary is a valid polygon, lies within the
 * boundary above it and does not overlap its siblings', each up to a tolerance that absorbs two
 * offices digitising a shared edge a few metres apart, never a misplaced unit.
 */

/** The share of a unit's area that may lie outside its parent, or overlap a sibling. */
export const TOLERATED_SHARE = 0.01;
/** At least this much (a 1 m strip along a 500 m edge), so small units get the same slack in metres… */
export const TOLERATED_SLIVER_M2 = 500;
/** …but the floor never lets more than this share of a unit go astray. */
export const SLIVER_SHARE_CAP = 0.1;

/** The area in m² by which a unit of `unitAreaM2` may spill over: 1 %, at least 500 m² but at most 10 %. */
export function toleranceM2(unitAreaM2: number): number {
  return Math.max(TOLERATED_SHARE * unitAreaM2, Math.min(TOLERATED_SLIVER_M2, SLIVER_SHARE_CAP * unitAreaM2));
}

type Position = readonly number[];
const polygonsOf = (b: BoundaryGeometry) => (b.type === 'Polygon' ? [b.coordinates] : b.coordinates);
const same = (a: Position, b: Position) => a[0] === b[0] && a[1] === b[1];

/**
 * Why a boundary is not a polygon one can measure, or null. The schema already bounds the
 * coordinates and asks for four positions a ring; this catches what it cannot: open rings, rings
 * without area and rings that cross or touch themselves (a figure eight). Rings of one polygon
 * crossing each other are not looked for.
 */
export function boundaryDefect(boundary: BoundaryGeometry): BoundaryDefect | null {
  const polygons = polygonsOf(boundary);
  for (const [p, rings] of polygons.entries()) {
    for (const [r, ring] of rings.entries()) {
      const at = { polygon: p + 1, ring: r + 1 };
      const first = ring[0]!;
      if (!same(first, ring[ring.length - 1]!)) return { reason: 'ring_not_closed', ...at };
      const distinct = ring.filter((q, i) => i === 0 || !same(q, ring[i - 1]!));
      if (distinct.length < 4) return { reason: 'too_few_positions', ...at };
      const crossing = selfIntersection(distinct);
      if (crossing) return { reason: 'self_intersection', ...at, position: crossing };
      if (area(feature({ type: 'Polygon', coordinates: [distinct] })) < 1) {
        return { reason: 'zero_area', ...at };
      }
    }
  }
  return null;
}

interface Segment {
  i: number;
  a: Position;
  b: Position;
  minX: number;
  maxX: number;
}

/**
 * Where a closed ring (no repeated consecutive positions) meets itself other than at the shared
 * end of neighbouring segments, or null. A sweep over segments sorted by their west end, so a
 * boundary of thousands of positions costs milliseconds, not the quadratic time of turf's kinks.
 */
function selfIntersection(ring: Position[]): [number, number] | null {
  const n = ring.length - 1;
  const segments: Segment[] = [];
  for (let i = 0; i < n; i++) {
    const a = ring[i]!;
    const b = ring[i + 1]!;
    segments.push({ i, a, b, minX: Math.min(a[0]!, b[0]!), maxX: Math.max(a[0]!, b[0]!) });
  }
  segments.sort((s, t) => s.minX - t.minX);
  for (let x = 0; x < segments.length; x++) {
    const s = segments[x]!;
    for (let y = x + 1; y < segments.length && segments[y]!.minX <= s.maxX; y++) {
      const t = segments[y]!;
      const gap = Math.abs(s.i - t.i);
      const neighbours = gap === 1 || gap === n - 1;
      const hit = neighbours ? foldsBack(s, t) : crossingPoint(s.a, s.b, t.a, t.b);
      if (hit) return hit;
    }
  }
  return null;
}

const cross = (o: Position, a: Position, b: Position) =>
  (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);

const within = (p: Position, a: Position, b: Position) =>
  Math.min(a[0]!, b[0]!) <= p[0]! &&
  p[0]! <= Math.max(a[0]!, b[0]!) &&
  Math.min(a[1]!, b[1]!) <= p[1]! &&
  p[1]! <= Math.max(a[1]!, b[1]!);

const pair = (p: Position): [number, number] => [p[0]!, p[1]!];

/** A point two segments share, touching included; null when they are apart. */
function crossingPoint(a: Position, b: Position, c: Position, d: Position): [number, number] | null {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    const t = d1 / (d1 - d2);
    return [a[0]! + t * (b[0]! - a[0]!), a[1]! + t * (b[1]! - a[1]!)];
  }
  if (d1 === 0 && within(a, c, d)) return pair(a);
  if (d2 === 0 && within(b, c, d)) return pair(b);
  if (d3 === 0 && within(c, a, b)) return pair(c);
  if (d4 === 0 && within(d, a, b)) return pair(d);
  return null;
}

/** Neighbouring segments meet at their shared end; they intersect only if the ring turns back on itself. */
function foldsBack(s: Segment, t: Segment): [number, number] | null {
  const [first, second] = same(s.b, t.a) ? [s, t] : [t, s];
  const [o, p, q] = [first.a, first.b, second.b];
  if (cross(o, p, q) !== 0) return null;
  const dot = (o[0]! - p[0]!) * (q[0]! - p[0]!) + (o[1]! - p[1]!) * (q[1]! - p[1]!);
  return dot > 0 ? pair(p) : null;
}

/** Area in m² of the part of `unit` outside `container`, and the unit's own area. */
export function outsideArea(unit: BoundaryGeometry, container: BoundaryGeometry) {
  const unitM2 = area(unit);
  const rest = difference(featureCollection([feature(unit), feature(container)]));
  return { areaM2: rest ? area(rest) : 0, unitM2 };
}

/** Area in m² two boundaries share, and the area of the smaller of the two. */
export function overlapArea(a: BoundaryGeometry, b: BoundaryGeometry) {
  const smallerM2 = Math.min(area(a), area(b));
  if (!boxesMeet(bbox(a), bbox(b))) return { areaM2: 0, smallerM2 };
  const shared = intersect(featureCollection([feature(a), feature(b)]));
  return { areaM2: shared ? area(shared) : 0, smallerM2 };
}

function boxesMeet(a: number[], b: number[]): boolean {
  return a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!;
}
