import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceMeters, geoMatches, parseGeoQuery } from './geo-query.js';
import { NgsiLdError } from './ngsi-ld.errors.js';

const square = JSON.stringify([
  [
    [113.8, 22.5],
    [113.85, 22.5],
    [113.85, 22.6],
    [113.8, 22.6],
    [113.8, 22.5],
  ],
]);

describe('geo-queries', () => {
  it('near with maxDistance and minDistance', () => {
    const q = parseGeoQuery({
      georel: 'near;maxDistance==2000',
      geometry: 'Point',
      coordinates: '[113.82,22.55]',
    })!;
    expect(geoMatches(q, [113.82, 22.56])).toBe(true); // ~1.1 km north
    expect(geoMatches(q, [113.82, 22.58])).toBe(false); // ~3.3 km
    const far = parseGeoQuery({
      georel: 'near;minDistance==2000',
      geometry: 'Point',
      coordinates: '[113.82,22.55]',
    })!;
    expect(geoMatches(far, [113.82, 22.58])).toBe(true);
  });

  it('within and disjoint a polygon', () => {
    const within = parseGeoQuery({ georel: 'within', geometry: 'Polygon', coordinates: square })!;
    expect(geoMatches(within, [113.82, 22.55])).toBe(true);
    expect(geoMatches(within, [113.87, 22.55])).toBe(false);
    const disjoint = parseGeoQuery({ georel: 'disjoint', geometry: 'Polygon', coordinates: square })!;
    expect(geoMatches(disjoint, [113.87, 22.55])).toBe(true);
  });

  it('measures one degree of latitude as about 111 km', () => {
    expect(distanceMeters([0, 0], [0, 1])).toBeGreaterThan(110_000);
    expect(distanceMeters([0, 0], [0, 1])).toBeLessThan(112_000);
  });

  it('refuses malformed geo-queries with BadRequestData', () => {
    const bad = [
      { georel: 'near', geometry: 'Point', coordinates: '[1,2]' },
      { georel: 'near;maxDistance==x', geometry: 'Point', coordinates: '[1,2]' },
      { georel: 'close', geometry: 'Point', coordinates: '[1,2]' },
      { georel: 'within', geometry: 'Polygon', coordinates: '[[[0,0],[1,0],[1,1]]]' },
      { georel: 'within', geometry: 'Polygon', coordinates: 'not json' },
      { georel: 'within', geometry: 'LineString', coordinates: '[[0,0],[1,1]]' },
      { georel: 'near;maxDistance==10', geometry: 'Point', coordinates: '[200,2]' },
      { georel: 'within', geometry: 'Polygon' },
    ];
    for (const p of bad) {
      expect(() => parseGeoQuery(p), JSON.stringify(p)).toThrow(NgsiLdError);
    }
    expect(parseGeoQuery({})).toBeNull();
  });

  it('never throws anything but an NGSI-LD error on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom('Point', 'Polygon', 'MultiPolygon', 'x'),
        fc.jsonValue(),
        (rel, g, c) => {
          try {
            parseGeoQuery({ georel: rel, geometry: g, coordinates: JSON.stringify(c) });
          } catch (e) {
            expect(e).toBeInstanceOf(NgsiLdError);
          }
        },
      ),
    );
  });
});
