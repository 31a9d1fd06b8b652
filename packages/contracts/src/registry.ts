import { z } from 'zod';
import { pageQuery, pointGeometry } from './common.js';
import { importRowError } from './imports.js';

export const building = z.object({
  id: z.uuid(),
  code: z.string(),
  name: z.string(),
  address: z.string(),
  gridId: z.uuid(),
  gridCode: z.string(),
  location: pointGeometry,
  floors: z.number().int().nullable(),
  createdAt: z.string(),
});
export type Building = z.infer<typeof building>;

/** Buildings in the caller's area, or only under one unit of it (a grid, for the residents filter). */
export const buildingListQuery = pageQuery.extend({
  unitId: z.uuid().optional().describe('only buildings of this unit and its subtree'),
});

export const createBuilding = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().min(1).max(300),
  location: pointGeometry,
  floors: z.number().int().min(1).max(200).nullable().default(null),
  gridId: z.uuid().optional().describe('derived from the location when omitted'),
});
export type CreateBuilding = z.infer<typeof createBuilding>;

export const household = z.object({
  id: z.uuid(),
  buildingId: z.uuid(),
  unitNo: z.string(),
  memberCount: z.number().int(),
});
export type Household = z.infer<typeof household>;

/** Flags the services and emergency modules rely on to find people who need help first. */
export const residentFlags = z.object({
  elderlyLivingAlone: z.boolean().default(false),
  disability: z.boolean().default(false),
  child: z.boolean().default(false),
  needsAssistance: z.boolean().default(false),
});
export type ResidentFlags = z.infer<typeof residentFlags>;

// The birth date is revealable because a listing shows only its year: the full date is the
// middle of the ID number (ADR 0021).
export const revealableField = z.enum(['name', 'phone', 'idNumber', 'birthDate']);
export type RevealableField = z.infer<typeof revealableField>;

/** What lists and details return: personal fields masked, never plaintext. */
export const residentMasked = z.object({
  id: z.uuid(),
  name: z.string(),
  phone: z.string().nullable(),
  idNumber: z.string().nullable().describe('first 3 and last 4 characters, e.g. 110***********1234'),
  birthDate: z
    .string()
    .nullable()
    .describe("the year only, e.g. 1980-**-**: the full date is the ID number's middle; reveal it"),
  gender: z.enum(['male', 'female', 'unknown']),
  flags: residentFlags,
  householdId: z.uuid().nullable(),
  buildingId: z.uuid().nullable(),
  buildingName: z.string().nullable(),
  gridId: z.uuid(),
  gridCode: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type ResidentMasked = z.infer<typeof residentMasked>;

/** Mainland resident ID: 17 digits then a digit or X (GB 11643). Checksum verified server-side. */
export const idNumberPattern = /^\d{17}[\dX]$/;
export const phonePattern = /^\+?[0-9][0-9 -]{5,19}$/;

// The checks of each personal field, without defaults: a default belongs to creation only.
const residentName = z.string().trim().min(1).max(100);
const residentPhone = z.string().trim().regex(phonePattern, 'a phone number of 6 to 20 digits').nullable();
const residentIdNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(idNumberPattern, '18 characters: 17 digits then a digit or X')
  .nullable();
const residentGender = z.enum(['male', 'female', 'unknown']);
const residentUnitNo = z.string().trim().max(20).nullable();

export const createResident = z.object({
  name: residentName,
  phone: residentPhone.default(null),
  idNumber: residentIdNumber.default(null),
  birthDate: z.iso.date().nullable().default(null),
  gender: residentGender.default('unknown'),
  flags: residentFlags.default({
    elderlyLivingAlone: false,
    disability: false,
    child: false,
    needsAssistance: false,
  }),
  buildingId: z.uuid().nullable().default(null),
  unitNo: residentUnitNo.default(null),
  gridId: z.uuid().optional().describe('required when no building is given'),
});
export type CreateResident = z.infer<typeof createResident>;

// Not createResident.partial(): zod still applies the inner defaults to an absent field, so a
// patch of the name alone would clear the phone, ID number, birth date, gender and flags.
export const updateResident = z
  .object({
    name: residentName.optional(),
    phone: residentPhone.optional(),
    idNumber: residentIdNumber.optional(),
    birthDate: z.iso.date().nullable().optional(),
    gender: residentGender.optional(),
    flags: residentFlags.optional(),
    buildingId: z.uuid().nullable().optional(),
    unitNo: residentUnitNo.optional(),
    gridId: z.uuid().optional(),
    version: z.number().int(),
  })
  .strict();
export type UpdateResident = z.infer<typeof updateResident>;

export const residentListQuery = z.object({
  unitId: z.uuid().optional().describe('limit to this org unit and its subtree'),
  flag: z.enum(['elderlyLivingAlone', 'disability', 'child', 'needsAssistance']).optional(),
  buildingId: z.uuid().optional().describe('residents of this building (one you may see)'),
  householdId: z.uuid().optional().describe('residents of this household (one you may see)'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ResidentListQuery = z.infer<typeof residentListQuery>;

/** Why a plain value is needed: the same shape for a reveal and for a search by identifier. */
const revealReason = z
  .string()
  .trim()
  .min(2)
  .max(300)
  .describe('why you need the plain value; kept in the audit log');

export const revealRequest = z.object({ field: revealableField, reason: revealReason });
export const revealResponse = z.object({ field: revealableField, value: z.string().nullable() });

/** Identifiers a resident can be found by exactly. */
export const identifierField = z.enum(['phone', 'idNumber']);
export type IdentifierField = z.infer<typeof identifierField>;

/** Query parameters the list refuses: identifiers never travel in a URL (ADR 0021). */
export const identifierQueryParameters = ['phone', 'idNumber'] as const;

/**
 * An exact search by a personal identifier is a reveal in effect (finding "138…" answers whose
 * number it is), so it takes `resident.reveal`, a reason, and counts against a per-user limit.
 * The value travels in the body, never in the URL.
 */
export const residentSearchRequest = z.discriminatedUnion('field', [
  z.object({
    field: z.literal('phone'),
    value: z.string().trim().regex(phonePattern, 'a phone number of 6 to 20 digits'),
    reason: revealReason,
    unitId: z.uuid().optional().describe('search only this unit and its subtree'),
  }),
  z.object({
    field: z.literal('idNumber'),
    value: z
      .string()
      .trim()
      .toUpperCase()
      .regex(idNumberPattern, '18 characters: 17 digits then a digit or X'),
    reason: revealReason,
    unitId: z.uuid().optional().describe('search only this unit and its subtree'),
  }),
]);
export type ResidentSearchRequest = z.infer<typeof residentSearchRequest>;
/** At most this many matches are returned (an identifier rarely matches more than a household). */
export const RESIDENT_SEARCH_MAX = 50;
export const residentSearchResponse = z.object({
  items: z.array(residentMasked),
  truncated: z.boolean().describe(`true when more than ${RESIDENT_SEARCH_MAX} residents matched`),
});
export type ResidentSearchResponse = z.infer<typeof residentSearchResponse>;

/** The members a 429 `identifier_search_limited` problem carries besides the standard ones. */
export const identifierSearchLimited = z.object({
  code: z.literal('identifier_search_limited'),
  retryAfterSeconds: z.number().int().min(1),
});

/**
 * A search by name (ADR 0045): the name travels in the body, never in a URL, and is matched
 * exactly, as a whole, in any of its indexed forms (full name in either order, pinyin, initials).
 */
export const residentNameSearchRequest = z.object({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/[\p{L}\p{N}]/u, 'a name: at least one letter or digit')
    .describe('a whole name: 张三, zhang san, zhangsan, zs, John Smith, Smith John'),
  unitId: z.uuid().optional().describe('search only this unit and its subtree'),
});
export type ResidentNameSearchRequest = z.infer<typeof residentNameSearchRequest>;

/** The members a 429 `name_search_limited` problem carries besides the standard ones. */
export const nameSearchLimited = z.object({
  code: z.literal('name_search_limited'),
  retryAfterSeconds: z.number().int().min(1),
});

/**
 * Residents registered more than once under one ID number, shown only to whoever can see every
 * member (e.g. the street office after a move between two communities).
 */
export const residentDuplicateGroup = z.object({
  idNumber: z.string().describe('the mask the members share'),
  residents: z.array(residentMasked),
});
export type ResidentDuplicateGroup = z.infer<typeof residentDuplicateGroup>;

export const importJob = z.object({
  id: z.uuid(),
  status: z.enum(['running', 'done', 'failed']),
  fileName: z.string(),
  totalRows: z.number().int().nullable(),
  processedRows: z.number().int(),
  importedRows: z.number().int(),
  rejectedRows: z.number().int(),
  errors: z.array(importRowError),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type ImportJob = z.infer<typeof importJob>;
