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

export const moveOrgUnit = z.object({ newParentId: z.uuid(), version: z.number().int() }).strict();

export const orgUnitListQuery = z.object({
  type: orgUnitType.optional(),
  parentId: z.uuid().optional(),
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});
