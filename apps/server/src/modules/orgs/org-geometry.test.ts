import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BoundaryGeometry } from '@civitas/contracts/common';
import { cellOf, cellsCovering, contains } from './org-geometry.js';

const square: BoundaryGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [113.9, 22.5],
      [113.92, 22.5],
      [113.92, 22.52],
      [113.9, 22.52],
      [113.9, 22.5],
    ],
  ],
};

describe('org geometry', () => {
  it('every point inside a boundary falls in one of its covering cells', () => {
    const cells = new Set(cellsCovering(square));
    fc.assert(
      fc.property(
        fc.double({ min: 113.9, max: 113.92, noNaN: true }),
        fc.double({ min: 22.5, max: 22.52, noNaN: true }),
        (lng, lat) => {
          expect(cells.has(cellOf(lat, lng))).toBe(true);
        },
      ),
    );
  });

  it('tells inside from outside', () => {
    expect(contains(square, 22.51, 113.91)).toBe(true);
    expect(contains(square, 22.53, 113.91)).toBe(false);
  });
});
