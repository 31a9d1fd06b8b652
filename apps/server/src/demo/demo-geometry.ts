/**
 * Seeded randomness and polygon helpers for the demo district generator. Everything here is
 * deterministic for a given Rng state: no Math.random, no clock.
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { featureCollection, point, polygon } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { voronoi } from '@turf/voronoi';

export type Position = [number, number];
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}

/** mulberry32: tiny, fast and good enough for demo data; the whole state is one 32-bit integer. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    const last = items[items.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[0];
  }
}

/** 6 decimals is about 0.1 m: plenty for boundaries and what the API stores. */
export const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

/** Shoelace signed area in degrees²; positive means counter-clockwise. */
export function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

/** Area-weighted centroid of the outer ring (unlike turf's vertex mean, it is stable for Lloyd steps). */
export function areaCentroid(ring: readonly Position[]): Position {
  let cx = 0;
  let cy = 0;
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    const cross = x1 * y2 - x2 * y1;
    a += cross;
    cx += (x1 + x2) * cross;
    cy += (y1 + y2) * cross;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/**
 * Rounds to 6 decimals, drops the repeated vertices rounding can create, closes the ring, and
 * orients it as RFC 7946 wants: outer ring counter-clockwise, holes clockwise.
 */
export function normalizePolygon(rings: readonly (readonly number[])[][]): PolygonGeometry {
  const coordinates = rings.map((ring, index) => {
    const out: Position[] = [];
    for (const p of ring) {
      const q: Position = [round6(p[0]!), round6(p[1]!)];
      const prev = out[out.length - 1];
      if (!prev || prev[0] !== q[0] || prev[1] !== q[1]) out.push(q);
    }
    const first = out[0]!;
    const last = out[out.length - 1]!;
    if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0], first[1]]);
    const ccw = signedArea(out) > 0;
    return (index === 0) === ccw ? out : out.reverse();
  });
  return { type: 'Polygon', coordinates };
}

export function contains(geometry: PolygonGeometry, p: Position): boolean {
  return booleanPointInPolygon(point(p), polygon(geometry.coordinates), { ignoreBoundary: true });
}

/** Local metres per degree around a latitude (equirectangular is fine at district scale). */
function metresPerDegree(lat: number): { x: number; y: number } {
  return { x: 111_320 * Math.cos((lat * Math.PI) / 180), y: 110_574 };
}

/** Moves a point by metres east and north. */
export function offset([lng, lat]: Position, eastM: number, northM: number): Position {
  const m = metresPerDegree(lat);
  return [round6(lng + eastM / m.x), round6(lat + northM / m.y)];
}

export function metresBetween(a: Position, b: Position): number {
  const m = metresPerDegree(a[1]);
  return Math.hypot((a[0] - b[0]) * m.x, (a[1] - b[1]) * m.y);
}

/** Shortest distance in metres from a point to any edge of the polygon. */
export function distanceToEdge(geometry: PolygonGeometry, p: Position): number {
  const m = metresPerDegree(p[1]);
  let best = Infinity;
  for (const ring of geometry.coordinates) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i]!;
      const [bx, by] = ring[i + 1]!;
      const ux = (bx - ax) * m.x;
      const uy = (by - ay) * m.y;
      const px = (p[0] - ax) * m.x;
      const py = (p[1] - ay) * m.y;
      const len2 = ux * ux + uy * uy;
      const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, (px * ux + py * uy) / len2));
      best = Math.min(best, Math.hypot(px - t * ux, py - t * uy));
    }
  }
  return best;
}

export function bboxOf(geometry: PolygonGeometry): [number, number, number, number] {
  const outer = geometry.coordinates[0]!;
  const xs = outer.map((p) => p[0]);
  const ys = outer.map((p) => p[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/**
 * A believable, non-rectangular outline: an ellipse whose radius wobbles with a few low-frequency
 * waves plus per-vertex jitter. Vertices go round the centre by increasing angle, so the ring is
 * always simple (never self-intersecting) and already counter-clockwise.
 */
export function organicOutline(
  rng: Rng,
  centre: Position,
  halfWidthKm: number,
  halfHeightKm: number,
  vertexCount = 36,
): PolygonGeometry {
  const m = metresPerDegree(centre[1]);
  const waves = [2, 3, 5].map((k) => ({ k, phase: rng.range(0, 2 * Math.PI), amp: rng.range(0.04, 0.09) }));
  const ring: Position[] = [];
  for (let i = 0; i < vertexCount; i++) {
    const angle = (2 * Math.PI * (i + rng.range(-0.3, 0.3))) / vertexCount;
    const wobble = waves.reduce((s, w) => s + w.amp * Math.sin(w.k * angle + w.phase), 0);
    const r = 1 + wobble + rng.range(-0.03, 0.03);
    ring.push([
      centre[0] + (Math.cos(angle) * halfWidthKm * 1000 * r) / m.x,
      centre[1] + (Math.sin(angle) * halfHeightKm * 1000 * r) / m.y,
    ]);
  }
  ring.push(ring[0]!);
  return normalizePolygon([ring]);
}

/** Uniform random point strictly inside the polygon and at least `marginM` metres from its edge. */
export function randomPointInside(rng: Rng, geometry: PolygonGeometry, marginM = 0): Position | null {
  const [minX, minY, maxX, maxY] = bboxOf(geometry);
  for (let attempt = 0; attempt < 500; attempt++) {
    const p: Position = [round6(rng.range(minX, maxX)), round6(rng.range(minY, maxY))];
    if (contains(geometry, p) && (marginM === 0 || distanceToEdge(geometry, p) >= marginM)) return p;
  }
  return null;
}

/** Voronoi cells of the seeds, each clipped to the parent; null where a cell is empty or split in two. */
function clippedCells(parent: PolygonGeometry, seeds: Position[]): (PolygonGeometry | null)[] {
  const [minX, minY, maxX, maxY] = bboxOf(parent);
  const padX = (maxX - minX) * 0.1;
  const padY = (maxY - minY) * 0.1;
  const cells = voronoi(featureCollection(seeds.map((s) => point(s))), {
    bbox: [minX - padX, minY - padY, maxX + padX, maxY + padY],
  });
  const parentFeature = polygon(parent.coordinates);
  return seeds.map((_, i) => {
    // d3-voronoi leaves a hole in the array for duplicate seeds, so the cell may be missing.
    const cell = cells.features[i];
    if (!cell) return null;
    const clipped = intersect(featureCollection([parentFeature, cell]));
    if (!clipped || clipped.geometry.type !== 'Polygon') return null;
    return normalizePolygon(clipped.geometry.coordinates);
  });
}

/**
 * Splits a polygon into `count` irregular single-Polygon children that tile it: seeded Voronoi
 * cells, relaxed twice towards their centroids (Lloyd) so no child is a sliver, then clipped to
 * the parent. Attempts that yield a multi-part or tiny child are thrown away and re-seeded.
 */
export function splitPolygon(rng: Rng, parent: PolygonGeometry, count: number): PolygonGeometry[] {
  const parentArea = Math.abs(signedArea(parent.coordinates[0]!));
  for (let attempt = 0; attempt < 100; attempt++) {
    let seeds: Position[] = [];
    for (let i = 0; i < count; i++) {
      const p = randomPointInside(rng, parent);
      if (p) seeds.push(p);
    }
    if (seeds.length < count) continue;
    let cells = clippedCells(parent, seeds);
    for (let step = 0; step < 2 && cells.every((c) => c !== null); step++) {
      seeds = cells.map((c, i) => {
        const centroid = areaCentroid(c.coordinates[0]!);
        return contains(parent, centroid) ? centroid : seeds[i]!;
      });
      cells = clippedCells(parent, seeds);
    }
    if (cells.every((c) => c !== null && isWellShaped(c, parentArea / count))) {
      return cells as PolygonGeometry[];
    }
  }
  throw new Error(`could not split polygon into ${count} well-shaped parts`);
}

/** Rejects slivers and shapes whose vertex-mean centroid (what turf reports) falls outside them. */
function isWellShaped(cell: PolygonGeometry, meanArea: number): boolean {
  const outer = cell.coordinates[0]!;
  if (Math.abs(signedArea(outer)) < meanArea * 0.3) return false;
  const vertices = outer.slice(0, -1);
  const mean: Position = [
    vertices.reduce((s, p) => s + p[0], 0) / vertices.length,
    vertices.reduce((s, p) => s + p[1], 0) / vertices.length,
  ];
  return contains(cell, mean) && distanceToEdge(cell, mean) > 50;
}

export interface SiteLayout {
  /** Standard deviation of the scatter around each cluster centre. */
  spreadM: number;
  /** Minimum distance between two sites. */
  spacingM: number;
  /** Minimum distance from the polygon's edge. */
  marginM: number;
}

/**
 * Sites that cluster like real estates and hamlets: pick one to three centres and scatter around
 * them, keeping clear of the edge and of each other. Falls back to uniform placement if the
 * clusters fill up; null when even that cannot fit `count` sites.
 */
export function clusteredSites(
  rng: Rng,
  area: PolygonGeometry,
  count: number,
  layout: SiteLayout,
): Position[] | null {
  const centres = Array.from({ length: rng.int(1, 3) }, () => randomPointInside(rng, area, 200)).filter(
    (c): c is Position => c !== null,
  );
  const sites: Position[] = [];
  for (let attempt = 0; sites.length < count && attempt < 5000; attempt++) {
    const centre = centres.length > 0 && attempt < 4000 ? rng.pick(centres) : null;
    const p = centre
      ? offset(centre, rng.normal() * layout.spreadM, rng.normal() * layout.spreadM)
      : randomPointInside(rng, area);
    if (!p || !contains(area, p) || distanceToEdge(area, p) < layout.marginM) continue;
    if (sites.some((s) => metresBetween(s, p) < layout.spacingM)) continue;
    sites.push(p);
  }
  return sites.length === count ? sites : null;
}
