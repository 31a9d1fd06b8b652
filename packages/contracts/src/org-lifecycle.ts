import { z } from 'zod';
import { errorCode } from './errors.js';
import { orgUnit, orgUnitType, orgUnitTypes } from './orgs.js';

/**
 * What points at an org unit, by kind (ADR 0043). Each owning module counts and moves its own
 * records; the web names each kind in the user's language.
 */
export const unitRecordKinds = [
  'children',
  'users',
  'devices',
  'apiKeyGroups',
  'open311Keys',
  'buildings',
  'residents',
  'openCases',
  'closedCases',
  'routingRules',
] as const;
export const unitRecordKind = z.enum(unitRecordKinds);
export type UnitRecordKind = z.infer<typeof unitRecordKind>;

/** Closed cases stay with a retired unit as history; every other kind must go first. */
export const keptOnRetire: readonly UnitRecordKind[] = ['closedCases'];

export const unitRecordCount = z.object({ kind: unitRecordKind, count: z.number().int().min(0) });
export type UnitRecordCount = z.infer<typeof unitRecordCount>;

/** The counts that stop a retirement: non-zero and not kept as history. */
export function retireBlockers(counts: readonly UnitRecordCount[]): UnitRecordCount[] {
  return counts.filter((c) => c.count > 0 && !keptOnRetire.includes(c.kind));
}

export const orgUnitActions = z.object({
  edit: z.boolean(),
  move: z.boolean(),
  merge: z.boolean(),
  retire: z.boolean(),
});
export type OrgUnitActions = z.infer<typeof orgUnitActions>;

/**
 * What may be done to a unit, the one policy the server enforces and the web asks for its
 * buttons. `writesUnit`: org.write covers the unit; `writesParent`: it covers the parent too
 * (a merge changes the parent's children; a move takes the unit out from under its parent).
 */
export function orgUnitActionsFor(input: {
  status: 'active' | 'retired';
  hasParent: boolean;
  writesUnit: boolean;
  writesParent: boolean;
  counts: readonly UnitRecordCount[];
}): OrgUnitActions {
  const live = input.status === 'active' && input.writesUnit;
  return {
    edit: live,
    move: live && input.hasParent && input.writesParent,
    merge: live && input.hasParent && input.writesParent,
    retire: live && retireBlockers(input.counts).length === 0,
  };
}

/** GET /org-units/:id/impact: what is attached to the unit and what the caller may do to it. */
export const orgUnitImpact = z.object({
  unit: orgUnit,
  counts: z.array(unitRecordCount),
  actions: orgUnitActions,
});
export type OrgUnitImpact = z.infer<typeof orgUnitImpact>;

export const retireOrgUnit = z.object({ version: z.number().int() }).strict();
export const mergeOrgUnit = z
  .object({
    intoId: z.uuid().describe('a sibling of the same type; it takes the records and the area'),
    version: z.number().int().describe('the merged unit’s version you read'),
    intoVersion: z.number().int().describe('the target’s version you read'),
  })
  .strict();

/** What a merge moved, per kind. */
export const mergeResult = z.object({ unit: orgUnit, into: orgUnit, moved: z.array(unitRecordCount) });

// ---- Import from GeoJSON (the web's way in to OrgTreeImport) ----

/** The largest GeoJSON body the web import takes; larger trees go through `civitas import org-tree`. */
export const ORG_IMPORT_MAX_BYTES = 20 * 1024 * 1024;

const propName = z.string().trim().min(1).max(100);
export const orgImportMapping = z
  .object({
    code: propName,
    parent: propName,
    nameZh: propName,
    nameEn: propName,
    level: propName,
    /** A level value as the file writes it → unit type; merged over the built-in names. */
    levels: z.record(z.string().trim().min(1).max(100), orgUnitType).default({}),
  })
  .strict();
export type OrgImportMappingInput = z.infer<typeof orgImportMapping>;

export const orgImportRequest = z
  .object({
    geojson: z
      .object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()).min(1).max(20_000) })
      .loose(),
    mapping: orgImportMapping.partial().default({}),
  })
  .strict();

export const orgImportProblemKinds = [
  'not_feature_collection',
  'code_missing',
  'code_invalid',
  'code_repeated',
  'level_missing',
  'level_unknown',
  'name_missing',
  'geometry_not_polygon',
  'code_exists',
  'parent_missing',
  'cycle',
  'not_permitted',
  'refused',
] as const;

export const orgImportProblem = z.object({
  /** 1-based position of the feature in the file (0: the file as a whole). */
  feature: z.number().int().min(0),
  code: z.string().nullable(),
  kind: z.enum(orgImportProblemKinds),
  /** English, for logs and the CLI; the web words it from `kind`, `params` and `error`. */
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** A refusal by the unit rules (boundary_*, bad_unit_type, …) with its members. */
  error: z.object({ code: errorCode }).catchall(z.unknown()).nullable().default(null),
});
export type OrgImportProblemOut = z.infer<typeof orgImportProblem>;

export const orgImportPlanned = z.object({
  feature: z.number().int().min(1),
  code: z.string(),
  type: orgUnitType,
  name: z.object({ 'zh-CN': z.string(), en: z.string() }),
  parentCode: z.string().nullable(),
  hasBoundary: z.boolean(),
});

export const orgImportReport = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  features: z.number().int(),
  byType: z.partialRecord(z.enum(orgUnitTypes), z.number().int()),
  englishFromChinese: z.number().int(),
  /** The units that would be (or were) created, parent first. */
  units: z.array(orgImportPlanned),
  problems: z.array(orgImportProblem),
});
export type OrgImportReportOut = z.infer<typeof orgImportReport>;
