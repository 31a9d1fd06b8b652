import type { BoundaryGeometry } from '@civitas/contracts/common';
import type { OrgUnitType } from '@civitas/contracts/orgs';
import type { Role } from '@civitas/contracts/roles';
import type { RequestContext } from '../platform/auth/actor.js';
import type { OrgUnitRow } from '../modules/orgs/orgs.service.js';
import type { Services } from '../services.js';

/** An axis-aligned box as a GeoJSON polygon (counter-clockwise), for test boundaries. */
export function box(west: number, south: number, east: number, north: number): BoundaryGeometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  };
}

/**
 * A small tree on a 0.1° grid near Shenzhen:
 * D ─ S1 ─ C1 ─ G1, G2
 *   │    └ C2 ─ G3
 *   └ T1 ─ V1 ─ GV
 */
export const fixtureUnits: {
  code: string;
  type: OrgUnitType;
  parent: string | null;
  boundary: BoundaryGeometry;
}[] = [
  { code: 'D', type: 'district', parent: null, boundary: box(113.8, 22.5, 114.0, 22.7) },
  { code: 'S1', type: 'street', parent: 'D', boundary: box(113.8, 22.5, 113.9, 22.7) },
  { code: 'T1', type: 'township', parent: 'D', boundary: box(113.9, 22.5, 114.0, 22.7) },
  { code: 'C1', type: 'community', parent: 'S1', boundary: box(113.8, 22.5, 113.9, 22.6) },
  { code: 'C2', type: 'community', parent: 'S1', boundary: box(113.8, 22.6, 113.9, 22.7) },
  { code: 'V1', type: 'village', parent: 'T1', boundary: box(113.9, 22.5, 114.0, 22.7) },
  { code: 'G1', type: 'grid', parent: 'C1', boundary: box(113.8, 22.5, 113.85, 22.6) },
  { code: 'G2', type: 'grid', parent: 'C1', boundary: box(113.85, 22.5, 113.9, 22.6) },
  { code: 'G3', type: 'grid', parent: 'C2', boundary: box(113.8, 22.6, 113.9, 22.7) },
  { code: 'GV', type: 'grid', parent: 'V1', boundary: box(113.9, 22.5, 114.0, 22.7) },
];

export const fixtureUsers: { username: string; role: Role; unit: string; department?: string }[] = [
  { username: 'admin', role: 'system_admin', unit: 'D' },
  { username: 'commander', role: 'district_commander', unit: 'D' },
  { username: 'street1', role: 'street_officer', unit: 'S1' },
  { username: 'ca1', role: 'community_admin', unit: 'C1' },
  { username: 'ca2', role: 'community_admin', unit: 'C2' },
  { username: 'gw1', role: 'grid_worker', unit: 'G1' },
  { username: 'gw2', role: 'grid_worker', unit: 'G2' },
  { username: 'gwv', role: 'grid_worker', unit: 'GV' },
  { username: 'police', role: 'department_staff', unit: 'D', department: 'police' },
  { username: 'auditor', role: 'auditor', unit: 'D' },
  { username: 'resident', role: 'resident', unit: 'G1' },
];

export const FIXTURE_PASSWORD = 'correct-horse-battery-staple';

export async function seedFixture(services: Services): Promise<Map<string, OrgUnitRow>> {
  const ctx: RequestContext = { actor: null, requestId: 'fixture', ip: '127.0.0.1' };
  const units = new Map<string, OrgUnitRow>();
  await services.database.db.transaction().execute(async (trx) => {
    for (const u of fixtureUnits) {
      const parent = u.parent ? units.get(u.parent) : undefined;
      const row = await services.orgs.insertUnit(
        trx,
        ctx,
        {
          code: u.code,
          type: u.type,
          name: { 'zh-CN': `单元${u.code}`, en: `Unit ${u.code}` },
          parentId: parent?.id ?? null,
          boundary: u.boundary,
        },
        parent,
      );
      units.set(u.code, row);
    }
  });
  for (const u of fixtureUsers) {
    await services.users.createUnchecked(ctx, {
      username: u.username,
      displayName: u.username,
      kind: u.role === 'resident' ? 'resident' : 'staff',
      password: FIXTURE_PASSWORD,
      grants: [{ role: u.role, orgUnitId: units.get(u.unit)!.id, department: u.department ?? null }],
    });
  }
  return units;
}
