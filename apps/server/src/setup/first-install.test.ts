import { describe, expect, it } from 'vitest';
import { boundaryFromGeoJson } from './first-install.js';

const square = {
  type: 'Polygon',
  coordinates: [
    [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ],
  ],
};

describe('boundaryFromGeoJson', () => {
  it('takes a geometry, a Feature of one, or a FeatureCollection of exactly one', () => {
    expect(boundaryFromGeoJson(JSON.stringify(square), 'f').type).toBe('Polygon');
    expect(boundaryFromGeoJson(JSON.stringify({ type: 'Feature', geometry: square }), 'f').type).toBe(
      'Polygon',
    );
    const fc = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: {}, geometry: square }],
    };
    expect(boundaryFromGeoJson(JSON.stringify(fc), 'f').type).toBe('Polygon');
  });

  it('says what is wrong with anything else', () => {
    expect(() => boundaryFromGeoJson('{', 'b')).toThrow(/^b: not JSON/);
    expect(() => boundaryFromGeoJson('null', 'b')).toThrow('b: not a GeoJSON object');
    expect(() => boundaryFromGeoJson('[1]', 'b')).toThrow('b: not a GeoJSON object');
    expect(() =>
      boundaryFromGeoJson(JSON.stringify({ type: 'FeatureCollection', features: [] }), 'b'),
    ).toThrow('b: a FeatureCollection of 0 features; the root boundary needs exactly one');
    expect(() =>
      boundaryFromGeoJson(
        JSON.stringify({ type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] } }),
        'b',
      ),
    ).toThrow('b: not a Polygon or MultiPolygon (found Point)');
    expect(() => boundaryFromGeoJson(JSON.stringify({ type: 'Feature', geometry: null }), 'b')).toThrow(
      '(found nothing)',
    );
  });
});
