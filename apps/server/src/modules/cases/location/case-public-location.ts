import { cellToBoundary, cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, UNITS } from 'h3-js';

/** Resolution 10 (~15,000 m² cells): fine enough for a 30 m duplicate radius, coarse enough for 5 km. */
export const CASE_CELL_RESOLUTION = 10;

/**
 * Channels whose point may be shown to anyone as it is: an Open311 client posted it to a public
 * API whose reads return it (GeoReport v2), and a sensor alarm is where a device stands. Every
 * other channel is a person's report (a resident, a caller, a patrol finding at someone's home),
 * whose exact point is whereabouts under PIPL.
 */
const EXACT_IN_PUBLIC: readonly string[] = ['open311', 'sensor_alarm'];

export interface PublicPoint {
  lat: number;
  lng: number;
  /** Metres from the shown point to the farthest corner of its cell; 0 when the point is exact. */
  spreadM: number;
}

interface Placed {
  channel: string;
  lat: number;
  lng: number;
  h3: string;
}

const spreads = new Map<string, number>();

/**
 * The one rule for where a case appears in any public view (Open311 GET requests in JSON and
 * XML, the residents' duplicate check; ADR 0020): a person's report is shown at the centre of
 * its resolution-10 H3 cell, never at its own point. Everything public is computed from this
 * point alone, so no number of queries narrows a report down further than its cell.
 */
export function publicPoint(c: Placed): PublicPoint {
  if (EXACT_IN_PUBLIC.includes(c.channel)) return { lat: c.lat, lng: c.lng, spreadM: 0 };
  const [lat, lng] = cellToLatLng(c.h3);
  let spreadM = spreads.get(c.h3);
  if (spreadM === undefined) {
    spreadM = Math.max(...cellToBoundary(c.h3).map(([la, ln]) => haversineM(lat, lng, la, ln)));
    if (spreads.size > 100_000) spreads.clear();
    spreads.set(c.h3, spreadM);
  }
  return { lat, lng, spreadM };
}

/** The H3 cells whose cases may lie within `radiusM` of the point (plus `slackM` for public cells). */
export function cellsAround(lat: number, lng: number, radiusM: number, slackM = 0): string[] {
  // Cell centres of ring k lie at least ~1.5·edge·k away, so this disk covers the whole circle.
  const edge = getHexagonEdgeLengthAvg(CASE_CELL_RESOLUTION, UNITS.m);
  const k = Math.ceil((radiusM + slackM) / (1.5 * edge)) + 1;
  return gridDisk(latLngToCell(lat, lng, CASE_CELL_RESOLUTION), k);
}

/** How far a cell's corner may lie from its centre, for sizing a public search. */
export const publicSlackM = () => 1.5 * getHexagonEdgeLengthAvg(CASE_CELL_RESOLUTION, UNITS.m);

/**
 * The public duplicate check: a case is near when its public cell reaches into the circle, and its
 * distance is measured to the public point, rounded to 10 m. Both depend only on the cell.
 */
export function publicDistance(c: Placed, lat: number, lng: number, radiusM: number): number | null {
  const p = publicPoint(c);
  const d = haversineM(lat, lng, p.lat, p.lng);
  if (d > radiusM + p.spreadM) return null;
  return Math.max(10, Math.round(d / 10) * 10);
}

export function haversineM(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
}
