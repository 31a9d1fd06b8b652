import { z } from 'zod';
import { boundaryGeometry, localizedName } from './common.js';

/**
 * The administrative tree. Urban and rural branches are parallel, not second-class:
 * a township sits where a street does, a village where a community does.
 */
export const orgUnitTypes = ['district', 'street', 'township', 'community', 'village', 'grid'] as const;
export const orgUnitType = z.enum(orgUnitTypes);
export type OrgUnitType = z.infer<typeof orgUnitType>;

/** Which child types each type may hold. */
export const allowedChildTypes: Record<OrgUnitType, readonly OrgUnitType[]> = {
  district: ['street', 'township'],
  street: ['community'],
  township: ['village', 'community'],
  community: ['grid'],
  village: ['grid'],
  grid: [],
};

export const orgUnitCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", at most 64 characters');

export const orgUnit = z.object({
  id: z.uuid(),
  code: z.string(),
  type: orgUnitType,
  name: localizedName,
  parentId: z.uuid().nullable(),
  depth: z.number().int(),
  boundary: boundaryGeometry.nullable(),
  /** A retired unit (ADR 0043) stays for history: it takes no new records and no edits. */
  status: z.enum(['active', 'retired']),
  retiredAt: z.string().nullable(),
  /** The sibling a merge moved this unit's records into. */
  mergedIntoId: z.uuid().nullable(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrgUnit = z.infer<typeof orgUnit>;

export const createOrgUnit = z.object({
  code: orgUnitCode,
  type: orgUnitType,
  name: localizedName,
  parentId: z.uuid().nullable().default(null),
  boundary: boundaryGeometry.nullable().default(null),
});
export type CreateOrgUnit = z.infer<typeof createOrgUnit>;

export const updateOrgUnit = z
  .object({
    name: localizedName.optional(),
    boundary: boundaryGeometry.nullable().optional(),
    version: z.number().int().describe('the version you read; a stale version gets 409'),
  })
  .strict();
export type UpdateOrgUnit = z.infer<typeof updateOrgUnit>;

/**
 * Why a boundary is not a polygon the server can measure (`boundary_invalid`): positions count
 * from 1, polygon 1 being the only one of a Polygon; `position` is where a ring meets itself.
 */
export const boundaryDefect = z.object({
  reason: z.enum(['ring_not_closed', 'too_few_positions', 'self_intersection', 'zero_area']),
  polygon: z.number().int().min(1),
  ring: z.number().int().min(1),
  position: z.tuple([z.number(), z.number()]).optional(),
});
export type BoundaryDefect = z.infer<typeof boundaryDefect>;

/**
 * One unit's boundary against another's (ADR 0037): the unit spills outside the other, the nearest
 * unit above it with a boundary, or overlaps the other, a sibling. `percent` is of the unit's area
 * when outside, of the smaller of the two when overlapping. (Not `unit`: i18next hands the values
 * to Intl.NumberFormat, where `unit` is an option.)
 */
export const geometryConflict = z.object({
  unitCode: z.string(),
  unitType: orgUnitType,
  otherCode: z.string(),
  otherType: orgUnitType,
  areaKm2: z.number().min(0),
  percent: z.number().min(0),
});
export type GeometryConflict = z.infer<typeof geometryConflict>;

/**
 * The members a `boundary_outside_parent` or `boundary_overlaps_sibling` problem carries: every
 * conflict found, the worst first, and the worst's figures at the top level with their `count`, so
 * a client can say it in one sentence.
 */
export const geometryRefusal = geometryConflict.extend({
  code: z.enum(['boundary_outside_parent', 'boundary_overlaps_sibling']),
  count: z.number().int().min(1),
  conflicts: z.array(geometryConflict).min(1),
});
export type GeometryRefusal = z.infer<typeof geometryRefusal>;

export const boundaryInvalid = boundaryDefect.extend({ code: z.literal('boundary_invalid') });

export const moveOrgUnit = z.object({ newParentId: z.uuid(), version: z.number().int() }).strict();

export const orgUnitListQuery = z.object({
  type: orgUnitType.optional(),
  parentId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional(),
  /** Pickers ask for active units (the default); history views for retired or all. */
  status: z.enum(['active', 'retired', 'all']).default('active'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});
