import { z } from 'zod';
import { localizedName, pointGeometry } from './common.js';
import { department } from './roles.js';

/** Every way a case can come in; recorded on the case (issue 4, "one case model, many channels"). */
export const caseChannels = [
  'resident_report',
  'open311',
  'hotline',
  'walk_in',
  'patrol',
  'external_api',
  'sensor_alarm',
] as const;
export const caseChannel = z.enum(caseChannels);
export type CaseChannel = z.infer<typeof caseChannel>;

export const caseStates = [
  'submitted',
  'accepted',
  'rejected',
  'duplicate',
  'assigned',
  'in_progress',
  'pending_info',
  'resolved',
  'closed',
  'reopened',
] as const;
export const caseState = z.enum(caseStates);
export type CaseState = z.infer<typeof caseState>;

/** States in which the case still needs someone to act. */
export const openCaseStates: readonly CaseState[] = [
  'submitted',
  'accepted',
  'assigned',
  'in_progress',
  'pending_info',
  'reopened',
];

/** Roles a case can be routed to. */
export const handlerRoles = [
  'grid_worker',
  'community_admin',
  'street_officer',
  'district_commander',
  'department_staff',
] as const;
export const handlerRole = z.enum(handlerRoles);

// ---- categories ----

const categoryCode = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,39}(\.[a-z][a-z0-9_]{0,39}){0,3}$/, 'lower-case words joined by "_" and "."');

/** An extra attribute a reporter fills in; the shape follows Open311 GeoReport v2 service definitions. */
export const categoryAttribute = z.object({
  code: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/),
  datatype: z.enum(['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist']),
  required: z.boolean().default(false),
  description: localizedName,
  values: z
    .array(z.object({ key: z.string().min(1).max(40), name: localizedName }))
    .max(50)
    .optional(),
});
export type CategoryAttribute = z.infer<typeof categoryAttribute>;

export const categoryInput = z.object({
  code: categoryCode,
  parentId: z.uuid().nullable().default(null),
  name: localizedName,
  department: department.nullable().default(null),
  responseHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90),
  resolutionHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365),
  requiresPhoto: z.boolean().default(false),
  duplicateRadiusM: z.number().int().min(1).max(5000).default(100),
  attributes: z.array(categoryAttribute).max(30).default([]),
  active: z.boolean().default(true),
  sort: z.number().int().min(0).max(100_000).default(0),
});
export type CategoryInput = z.infer<typeof categoryInput>;

export const categoryPatch = categoryInput
  .omit({ code: true })
  .partial()
  .extend({ version: z.number().int() })
  .strict();
export type CategoryPatch = z.infer<typeof categoryPatch>;

export const caseCategory = z.object({
  id: z.uuid(),
  code: z.string(),
  parentId: z.uuid().nullable(),
  name: localizedName,
  department: z.string().nullable(),
  responseHours: z.number().int(),
  resolutionHours: z.number().int(),
  requiresPhoto: z.boolean(),
  duplicateRadiusM: z.number().int(),
  attributes: z.array(categoryAttribute),
  active: z.boolean(),
  sort: z.number().int(),
  version: z.number().int(),
});
export type CaseCategory = z.infer<typeof caseCategory>;

// ---- routing rules ----

export const routingRuleInput = z.object({
  categoryId: z.uuid().nullable().describe('null: every category'),
  orgUnitId: z.uuid().describe('the rule holds for cases located in this unit and below'),
  targetUnitId: z
    .uuid()
    .nullable()
    .default(null)
    .describe('null: the grid that contains the case (or the case unit when no grid does)'),
  targetRole: handlerRole,
  targetDepartment: department
    .nullable()
    .default(null)
    .describe('for department_staff; null takes the category default department'),
  priority: z.number().int().min(-1000).max(1000).default(0),
  note: z.string().trim().max(500).default(''),
});
export type RoutingRuleInput = z.infer<typeof routingRuleInput>;

export const routingRulePatch = routingRuleInput.partial().extend({ version: z.number().int() }).strict();
export type RoutingRulePatch = z.infer<typeof routingRulePatch>;

export const routingRule = z.object({
  id: z.uuid(),
  categoryId: z.uuid().nullable(),
  categoryCode: z.string().nullable(),
  orgUnitId: z.uuid(),
  orgUnitCode: z.string(),
  targetUnitId: z.uuid().nullable(),
  targetUnitCode: z.string().nullable(),
  targetRole: handlerRole,
  targetDepartment: z.string().nullable(),
  priority: z.number().int(),
  note: z.string(),
  version: z.number().int(),
});
export type RoutingRule = z.infer<typeof routingRule>;

// ---- cases ----

/**
 * A title the system wrote (a patrol finding, a report without a title, a sensor alarm), in each
 * language, so every reader sees it in theirs; null when a person wrote `title`.
 */
export const systemTitle = localizedName
  .nullable()
  .describe('a title the system wrote, in each language; null when a person wrote the title');

export const createCase = z.object({
  channel: z
    .enum(['resident_report', 'hotline', 'walk_in', 'patrol', 'external_api'])
    .describe('residents always report as resident_report'),
  category: z.string().describe('category code, e.g. road_facility.pothole'),
  title: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("omitted: the category's name, shown to each reader in their language"),
  description: z.string().trim().max(4000).default(''),
  location: pointGeometry,
  address: z.string().trim().max(300).nullable().default(null),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).default({}),
  sourceRef: z.string().trim().min(1).max(120).nullable().default(null),
  contact: z
    .object({
      name: z.string().trim().min(1).max(100).optional(),
      phone: z
        .string()
        .trim()
        .regex(/^\+?[0-9 ()-]{3,30}$/, 'digits, spaces, +, ( ) and - only')
        .optional(),
    })
    .optional()
    .describe(
      'the caller of a hotline, walk-in or other staff-entered case; stored encrypted, shown masked to staff',
    ),
});
export type CreateCase = z.infer<typeof createCase>;

/** The caller's contact as staff see it: masked; the plain value only through the audited reveal. */
export const caseContactMasked = z
  .object({ name: z.string().nullable(), phone: z.string().nullable() })
  .nullable();
export const caseContactField = z.enum(['name', 'phone']);
export type CaseContactField = z.infer<typeof caseContactField>;
export const caseContactRevealRequest = z.object({
  field: caseContactField,
  reason: z.string().trim().min(2).max(300).describe('why you need the plain value; kept in the audit log'),
});
export const caseContactRevealResponse = z.object({ field: caseContactField, value: z.string().nullable() });

/** Every workflow action's name (the `action` of a CaseAction body, checked below). */
export const caseActionNames = [
  'accept',
  'reject',
  'assign',
  'start',
  'pause',
  'resume',
  'resolve',
  'confirm',
  'dispute',
  'transfer',
  'escalate',
  'supervise',
  'merge',
  'comment',
] as const;
/**
 * What the server offers a caller on a case (ADR 0046): the workflow actions it would accept from
 * them now, and `claim`, an assign to themselves, which only a handler at the holding unit may take.
 */
export const caseOffer = z.enum([...caseActionNames, 'claim']);
export type CaseOffer = z.infer<typeof caseOffer>;
const allowedActions = z
  .array(caseOffer)
  .describe('what the server would accept from you on this case now, by the same policy it enforces');

const staffRef = z.object({ id: z.uuid(), name: z.string() }).nullable();
const unitRef = z.object({ id: z.uuid(), code: z.string(), name: localizedName });

/** The staff view of a case. */
export const caseDetail = z.object({
  id: z.uuid(),
  ref: z.string(),
  channel: caseChannel,
  category: z.object({ id: z.uuid(), code: z.string(), name: localizedName }),
  title: z.string(),
  systemTitle: systemTitle,
  description: z.string(),
  address: z.string().nullable(),
  location: pointGeometry,
  unit: unitRef,
  state: caseState,
  pausedFrom: caseState.nullable(),
  responsible: z.object({ unit: unitRef, department: z.string().nullable(), role: z.string() }),
  assignee: staffRef,
  reporter: staffRef,
  escalationLevel: z.number().int(),
  supervised: z.boolean(),
  supervision: z
    .object({ byUnit: unitRef, at: z.string(), note: z.string().nullable() })
    .nullable()
    .describe('督办: who flagged the case for follow-up'),
  responseDueAt: z.string(),
  resolutionDueAt: z.string(),
  overdue: z.boolean(),
  respondedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  duplicateOf: z.uuid().nullable(),
  satisfaction: z.number().int().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  contact: caseContactMasked.describe('the caller (hotline, walk-in), masked; null when none was taken'),
  requiresPhoto: z.boolean().describe('the category needs a resolution photo before resolve'),
  allowedActions,
  claimable: z
    .boolean()
    .describe('you may take this case yourself once its state allows an assign (ADR 0046)'),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CaseDetail = z.infer<typeof caseDetail>;

/**
 * The resident-facing (and Open311) view: no staff names, no internal notes; the handling unit and
 * department are public (residents may know who is responsible, not which person).
 */
export const publicCase = z.object({
  id: z.uuid(),
  ref: z.string(),
  channel: caseChannel,
  category: z.object({ id: z.uuid(), code: z.string(), name: localizedName }),
  title: z.string(),
  systemTitle: systemTitle,
  description: z.string(),
  address: z.string().nullable(),
  location: pointGeometry,
  state: caseState,
  responsibleUnit: z.object({ code: z.string(), name: localizedName }),
  responsibleDepartment: z.string().nullable(),
  supervised: z.boolean(),
  expectedAt: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  rejectionReason: z.string().nullable(),
  duplicateOf: z.uuid().nullable(),
  satisfaction: z.number().int().nullable(),
  allowedActions,
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PublicCase = z.infer<typeof publicCase>;

export const caseEvent = z.object({
  id: z.uuid(),
  at: z.string(),
  action: z.string(),
  fromState: caseState.nullable(),
  toState: caseState.nullable(),
  internal: z.boolean(),
  actor: z
    .object({ id: z.uuid().nullable(), name: z.string().nullable(), role: z.string().nullable() })
    .describe('staff view: the person; resident view: only the role'),
  note: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type CaseEvent = z.infer<typeof caseEvent>;

export const caseListQuery = z.object({
  state: z
    .string()
    .refine(
      (s) => s.split(',').every((p) => (caseStates as readonly string[]).includes(p)),
      `comma-separated states out of ${caseStates.join(', ')}`,
    )
    .optional()
    .describe('comma-separated states'),
  category: z.string().optional().describe('category code; includes its sub-categories'),
  unitId: z.uuid().optional(),
  channel: caseChannel.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  supervised: z.enum(['true', 'false']).optional(),
  assignedToMe: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseListQuery = z.infer<typeof caseListQuery>;

export const nearbyQuery = z.object({
  category: z.string(),
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
  radiusM: z.coerce.number().int().min(1).max(5000).optional().describe('default: the category radius'),
});

export const nearbyCase = z.object({
  id: z.uuid(),
  ref: z.string(),
  title: z.string(),
  systemTitle: systemTitle,
  state: caseState,
  distanceM: z.number(),
  createdAt: z.string(),
  version: z.number().int(),
});

/**
 * What a resident sees of the cases near the spot they report (duplicate awareness): no id,
 * title, description, people or exact position; the distance is rounded to 10 m.
 */
export const nearbyPublicCase = z.object({
  ref: z.string(),
  category: z.object({ code: z.string(), name: localizedName }),
  state: caseState,
  distanceM: z.number(),
  createdAt: z.string(),
});
export const nearbyResponse = z.union([
  z.object({ view: z.literal('staff'), items: z.array(nearbyCase) }),
  z.object({ view: z.literal('public'), items: z.array(nearbyPublicCase) }),
]);

// ---- attachments and assignees ----

export const attachmentPurposes = ['report', 'resolution', 'other'] as const;
export const attachmentPurpose = z.enum(attachmentPurposes);
export type AttachmentPurpose = z.infer<typeof attachmentPurpose>;

export const caseAttachment = z.object({
  id: z.uuid(),
  fileName: z.string(),
  mime: z.string().describe('decided from the bytes, never from the client'),
  size: z.number().int(),
  purpose: attachmentPurpose,
  createdAt: z.string(),
  createdBy: z
    .object({ id: z.uuid(), name: z.string() })
    .nullable()
    .describe('staff view, or your own upload; null in the resident view'),
  url: z.string().describe('download path; needs the same access as the case'),
});
export type CaseAttachment = z.infer<typeof caseAttachment>;

export const caseAssignee = z.object({ id: z.uuid(), name: z.string() });

const version = z.number().int().min(1).describe('the version you read; a stale one gets 409');
const reason = z.string().trim().min(1).max(2000);

/** Every action on a case, one body shape per action. */
export const caseAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('accept'), version, note: z.string().trim().max(2000).optional() }),
  z.object({ action: z.literal('reject'), version, reason }),
  z.object({ action: z.literal('assign'), version, assigneeId: z.uuid() }),
  z.object({ action: z.literal('start'), version }),
  z.object({ action: z.literal('pause'), version, reason }),
  z.object({ action: z.literal('resume'), version, note: z.string().trim().max(2000).optional() }),
  z.object({ action: z.literal('resolve'), version, note: reason }),
  z.object({
    action: z.literal('confirm'),
    version,
    satisfaction: z.number().int().min(1).max(5),
    comment: z.string().trim().max(2000).optional(),
  }),
  z.object({
    action: z.literal('dispute'),
    version,
    reason,
    satisfaction: z.number().int().min(1).max(5).optional(),
  }),
  z.object({
    action: z.literal('transfer'),
    version,
    reason,
    toUnitId: z.uuid().optional().describe('default: the current responsible unit'),
    toDepartment: department.nullable().optional().describe('default: the category department'),
    toRole: handlerRole.optional(),
  }),
  z.object({ action: z.literal('escalate'), version, reason }),
  z.object({ action: z.literal('supervise'), version, note: z.string().trim().max(2000).optional() }),
  z.object({
    action: z.literal('merge'),
    version,
    into: z.uuid(),
    note: z.string().trim().max(2000).optional(),
  }),
  z.object({
    action: z.literal('comment'),
    version,
    note: reason,
    internal: z
      .boolean()
      .default(true)
      .describe('internal notes are staff-only; residents always post public'),
  }),
]);
export type CaseAction = z.infer<typeof caseAction>;
export type CaseActionName = CaseAction['action'];

/**
 * What a timeline entry can record: every action a person takes and what the system records on
 * its own. The server writes only these (typed), and the web names each in both languages.
 */
export const caseEventActions = [
  ...caseAction.options.map((o) => o.shape.action.value),
  'create',
  'route',
  'merged_in',
  'attach',
] as const;
export type CaseEventAction = CaseActionName | 'create' | 'route' | 'merged_in' | 'attach';

// caseActionNames names every action and nothing else: this fails typecheck when they part.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
void (true satisfies Same<CaseActionName, (typeof caseActionNames)[number]>);
