import fc from 'fast-check';
import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  CASE_CELL_RESOLUTION,
  cellsAround,
  haversineM,
  publicDistance,
  publicPoint,
  publicSlackM,
} from './case-public-location.js';

const placed = (channel: string, lat: number, lng: number) => ({
  channel,
  lat,
  lng,
  h3: latLngToCell(lat, lng, CASE_CELL_RESOLUTION),
});
// Points within ~1 km of a spot in Shenzhen, and offsets of up to ~100 m.
const point = fc.record({
  lat: fc.double({ min: 22.54, max: 22.56, noNaN: true }),
  lng: fc.double({ min: 113.81, max: 113.83, noNaN: true }),
});
const offset = fc.double({ min: -0.001, max: 0.001, noNaN: true });
const radius = fc.integer({ min: 1, max: 500 });

describe('the public point of a case', () => {
  it('is the cell centre for a person’s report, the point itself for Open311 and sensors', () => {
    const p = placed('resident_report', 22.5512, 113.8203);
    expect(publicPoint(p).lat).not.toBe(p.lat);
    expect(publicPoint(p).spreadM).toBeGreaterThan(50);
    for (const channel of ['open311', 'sensor_alarm'])
      expect(publicPoint(placed(channel, 22.5512, 113.8203))).toEqual({
        lat: 22.5512,
        lng: 113.8203,
        spreadM: 0,
      });
  });

  it('gives two reports in one cell the same public distance from any query (no finer than the cell)', () => {
    fc.assert(
      fc.property(point, offset, offset, offset, offset, radius, (a, dLat, dLng, qLat, qLng, r) => {
        const one = placed('resident_report', a.lat, a.lng);
        const two = placed('hotline', a.lat + dLat, a.lng + dLng);
        fc.pre(one.h3 === two.h3);
        // Queries from around the reports, mostly within the radius.
        const q = { lat: a.lat + 3 * qLat, lng: a.lng + 3 * qLng };
        expect(publicDistance(two, q.lat, q.lng, r)).toBe(publicDistance(one, q.lat, q.lng, r));
      }),
      { numRuns: 2000 },
    );
  });

  it('never hides a case that lies within the radius, and the search disk holds its cell', () => {
    fc.assert(
      fc.property(point, offset, offset, radius, (q, dLat, dLng, r) => {
        const c = placed('resident_report', q.lat + dLat, q.lng + dLng);
        const d = publicDistance(c, q.lat, q.lng, r);
        if (haversineM(q.lat, q.lng, c.lat, c.lng) <= r) expect(d).not.toBeNull();
        if (d !== null) {
          expect(d % 10).toBe(0);
          expect(cellsAround(q.lat, q.lng, r, publicSlackM())).toContain(c.h3);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
