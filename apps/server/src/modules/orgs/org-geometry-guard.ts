import type { BoundaryGeometry } from '@civitas/contracts/common';
import type { BoundaryDefect, GeometryConflict, GeometryRefusal, OrgUnitType } from '@civitas/contracts/orgs';
import type { Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import { AppError } from '../../platform/errors/errors.js';
import { boundaryDefect, outsideArea, overlapArea, toleranceM2 } from './org-geometry-rules.js';
import type { OrgsRepository } from './orgs.repository.js';
import type { OrgUnitRow } from './orgs.tables.js';

/** A unit with the boundary it would have; `id` is null for a unit not yet stored. */
export interface PlacedUnit {
  id: string | null;
  code: string;
  type: string;
  boundary: BoundaryGeometry;
}

type Bounded = PlacedUnit & { id: string };

/**
 * Applies the geometry rules (ADR 0037) to a write inside its transaction: a boundary lies within
 * the nearest unit above it that has one, overlaps no sibling, and still holds the units below it.
 * Callers lock the parent first (`OrgsRepository.lock`), so siblings are checked one at a time.
 */
export class OrgGeometryGuard {
  constructor(private readonly repo: OrgsRepository) {}

  /** Where the unit sits under `parent` (undefined: a top-level unit among the others). */
  async assertPlacement(trx: Transaction<DB>, unit: PlacedUnit, parent: OrgUnitRow | undefined) {
    const above = parent ? await this.nearestBounded(trx, parent) : undefined;
    const outside = above && outsideConflict(unit, above);
    if (outside) throw geometryRefused('boundary_outside_parent', [outside]);
    const siblings = (await this.repo.boundedChildren(parent?.id ?? null, trx)).filter(
      (s) => s.id !== unit.id,
    );
    const overlaps = siblings.flatMap((s) => overlapConflict(unit, bounded(s)) ?? []);
    if (overlaps.length > 0) throw geometryRefused('boundary_overlaps_sibling', overlaps);
  }

  /** The units whose nearest bounded unit above is `unit` still lie within its new boundary. */
  async assertHoldsDescendants(trx: Transaction<DB>, unit: OrgUnitRow, boundary: BoundaryGeometry) {
    const rows = await this.repo.subtree(unit.path, trx);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const boundedAbove = (row: OrgUnitRow) => {
      let up = row.parent_id === null ? undefined : byId.get(row.parent_id);
      while (up && up.id !== unit.id && up.boundary === null) {
        up = up.parent_id === null ? undefined : byId.get(up.parent_id);
      }
      return up?.id;
    };
    const container: PlacedUnit = { id: unit.id, code: unit.code, type: unit.type, boundary };
    const outside = rows
      .filter((r) => r.id !== unit.id && r.boundary !== null && boundedAbove(r) === unit.id)
      .flatMap((r) => outsideConflict(bounded(r), container) ?? []);
    if (outside.length > 0) throw geometryRefused('boundary_outside_parent', outside);
  }

  /** The parent if it has a boundary, else the deepest of its ancestors that has one. */
  private async nearestBounded(trx: Transaction<DB>, parent: OrgUnitRow): Promise<Bounded | undefined> {
    if (parent.boundary !== null) return bounded(parent);
    const ids = parent.path.split('/').filter((id) => id !== '' && id !== parent.id);
    const ancestors = await this.repo.findManyByIds(ids, trx);
    const withBoundary = ancestors.filter((a) => a.boundary !== null).sort((a, b) => b.depth - a.depth);
    return withBoundary[0] && bounded(withBoundary[0]);
  }
}

/** Refuses a boundary that is not a measurable polygon, before anything is read or written. */
export function assertValidBoundary(boundary: BoundaryGeometry): void {
  const defect = boundaryDefect(boundary);
  if (defect) throw new AppError(400, 'boundary_invalid', describeDefect(defect), { body: defect });
}

const bounded = (row: OrgUnitRow): Bounded => ({
  id: row.id,
  code: row.code,
  type: row.type,
  boundary: row.boundary as BoundaryGeometry,
});

function outsideConflict(unit: PlacedUnit, container: PlacedUnit): GeometryConflict | null {
  const { areaM2, unitM2 } = outsideArea(unit.boundary, container.boundary);
  return areaM2 > toleranceM2(unitM2) ? conflict(unit, container, areaM2, unitM2) : null;
}

function overlapConflict(unit: PlacedUnit, sibling: PlacedUnit): GeometryConflict | null {
  const { areaM2, smallerM2 } = overlapArea(unit.boundary, sibling.boundary);
  return areaM2 > toleranceM2(smallerM2) ? conflict(unit, sibling, areaM2, smallerM2) : null;
}

function conflict(unit: PlacedUnit, other: PlacedUnit, areaM2: number, ofM2: number): GeometryConflict {
  return {
    unitCode: unit.code,
    unitType: unit.type as OrgUnitType,
    otherCode: other.code,
    otherType: other.type as OrgUnitType,
    // 1 m² and 0.01 % are finer than any boundary is drawn.
    areaKm2: Math.round(areaM2) / 1e6,
    percent: Math.round((10_000 * areaM2) / ofM2) / 100,
  };
}

function geometryRefused(code: GeometryRefusal['code'], conflicts: GeometryConflict[]): AppError {
  const sorted = [...conflicts].sort((a, b) => b.percent - a.percent || b.areaKm2 - a.areaKm2);
  const worst = sorted[0]!;
  const body: Omit<GeometryRefusal, 'code'> = { ...worst, count: sorted.length, conflicts: sorted };
  const say = code === 'boundary_outside_parent' ? sayOutside : sayOverlap;
  return new AppError(400, code, `boundary: ${sorted.map(say).join('; ')}`, { body });
}

const km2 = (n: number) => `${Number(n.toPrecision(2))} km²`;
const sayOutside = (c: GeometryConflict) =>
  `${c.percent.toFixed(1)} % (${km2(c.areaKm2)}) of ${c.unitType} ${c.unitCode} lies outside ${c.otherType} ${c.otherCode} above it (at most 1 %, or 500 m² for a small unit, may)`;
const sayOverlap = (c: GeometryConflict) =>
  `${c.unitType} ${c.unitCode} overlaps sibling ${c.otherType} ${c.otherCode} by ${km2(c.areaKm2)} (${c.percent.toFixed(1)} % of the smaller)`;

function describeDefect(d: BoundaryDefect): string {
  const where = `boundary: ring ${d.ring} of polygon ${d.polygon}`;
  switch (d.reason) {
    case 'ring_not_closed':
      return `${where} is not closed: its last position must repeat its first`;
    case 'too_few_positions':
      return `${where} has fewer than 3 distinct positions`;
    case 'self_intersection':
      return `${where} crosses or touches itself at ${d.position?.join(', ') ?? '?'}`;
    case 'zero_area':
      return `${where} encloses less than 1 m²`;
  }
}
