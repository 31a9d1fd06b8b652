import { z } from 'zod';
import {
  attachmentPurpose,
  caseAction,
  caseAssignee,
  caseAttachment,
  caseCategory,
  caseContactRevealRequest,
  caseContactRevealResponse,
  caseDetail,
  caseEvent,
  caseListQuery,
  categoryInput,
  categoryPatch,
  createCase,
  nearbyQuery,
  nearbyResponse,
  publicCase,
  routingRule,
  routingRuleInput,
  routingRulePatch,
} from '../cases.js';
import { idParams } from '../common.js';
import { defineEndpoint } from '../endpoint.js';

const tags = ['cases'];

/** Staff get the full case, residents the public view; `view` says which one came. */
export const anyCase = z.union([
  caseDetail.extend({ view: z.literal('staff') }),
  publicCase.extend({ view: z.literal('public') }),
]);
export type AnyCase = z.infer<typeof anyCase>;
export type StaffCase = Extract<AnyCase, { view: 'staff' }>;
export type ResidentCase = Extract<AnyCase, { view: 'public' }>;

export const casePage = z.object({
  items: z.array(anyCase),
  total: z.number(),
  /** false: there are more than `total` (counting stops at 10,000). */
  totalExact: z.boolean(),
  limit: z.number(),
  offset: z.number(),
});
export type CasePage = z.infer<typeof casePage>;

/** What a change to a case can be refused with (case-actions, handover and intake checks). */
const actionErrors = [
  'not_found',
  'stale_version',
  'illegal_transition',
  'case_not_responsible',
  'case_claim_not_holder',
  'case_reporter_only',
  'case_supervisor_only',
  'photo_required',
  'assignee_not_responsible',
  'already_at_top',
  'already_supervised',
  'transfer_to_same',
  'merge_target_not_found',
  'merge_into_self',
  'merge_target_closed',
  'unit_not_found',
  'unit_retired',
  'department_required',
] as const;

export const caseEndpoints = {
  create: defineEndpoint({
    method: 'POST',
    path: '/api/v1/cases',
    tags,
    summary: 'Report a case (residents) or enter one (hotline, walk-in, patrol, external API)',
    description: 'Answers 200 for a repeat of your own sourceRef, with the case it made the first time.',
    body: createCase,
    responses: { 201: anyCase, 200: anyCase },
    errors: [
      'unknown_category',
      'unknown_attribute',
      'attribute_required',
      'bad_attribute',
      'channel_not_allowed',
      'contact_not_allowed',
      'source_ref_reused',
      'unit_not_found',
      'location_outside_units',
    ],
  }),
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/cases',
    tags,
    summary: 'Staff: the case inbox of your units. Residents: the cases you reported or follow.',
    query: caseListQuery,
    responses: { 200: casePage },
    errors: ['unknown_category', 'unit_not_found', 'not_found'],
  }),
  nearby: defineEndpoint({
    method: 'GET',
    path: '/api/v1/cases/nearby',
    tags,
    summary:
      'Open cases of a category near a point (duplicate check at intake). Staff: cases in their units, in full. Residents: every open case nearby, minimal (ref, category, state, distance to the public point in 10 m steps, date).',
    query: nearbyQuery,
    responses: { 200: nearbyResponse },
    errors: ['unknown_category'],
  }),
  get: defineEndpoint({
    method: 'GET',
    path: '/api/v1/cases/:id',
    tags,
    params: idParams,
    responses: { 200: anyCase },
    errors: ['not_found'],
  }),
  timeline: defineEndpoint({
    method: 'GET',
    path: '/api/v1/cases/:id/timeline',
    tags,
    summary: 'Every event of the case; residents see public events without staff names',
    params: idParams,
    responses: { 200: z.object({ items: z.array(caseEvent) }) },
    errors: ['not_found'],
  }),
  act: defineEndpoint({
    method: 'POST',
    path: '/api/v1/cases/:id/actions',
    tags,
    summary:
      'Act on a case: accept, reject, assign, start, pause, resume, resolve, confirm, dispute, transfer, escalate, supervise, merge, comment. A stale version gets 409 with the current case.',
    params: idParams,
    body: caseAction,
    responses: { 200: anyCase },
    errors: actionErrors,
  }),
  assignees: defineEndpoint({
    method: 'GET',
    path: '/api/v1/cases/:id/assignees',
    tags,
    summary: 'People who may be assigned this case (for those handling it); id and name only',
    params: idParams,
    responses: { 200: z.object({ items: z.array(caseAssignee) }) },
    errors: ['not_found'],
  }),
  revealContact: defineEndpoint({
    method: 'POST',
    path: '/api/v1/cases/:id/contact/reveal',
    tags,
    summary: "Show the caller's name or phone in clear (those handling the case; the reason is audited)",
    params: idParams,
    body: caseContactRevealRequest,
    responses: { 200: caseContactRevealResponse },
    errors: ['not_found'],
  }),
  upload: defineEndpoint({
    method: 'POST',
    path: '/api/v1/cases/:id/attachments',
    tags,
    summary:
      'Attach a photo or document (multipart/form-data, field "file"; optional field "purpose" before it, or ?purpose=). JPEG, PNG, WebP and PDF, checked by content; image metadata (Exif, GPS) is removed.',
    params: idParams,
    query: z.object({ purpose: attachmentPurpose.optional() }),
    consumes: ['multipart/form-data'],
    responses: { 201: caseAttachment },
    errors: [
      'not_found',
      'bad_purpose',
      'purpose_not_allowed',
      'case_not_open',
      'multipart_required',
      'file_missing',
      'file_empty',
      'file_too_large',
      'file_type_unknown',
      'file_type_not_allowed',
      'file_malformed',
    ],
  }),
  attachments: defineEndpoint({
    method: 'GET',
    path: '/api/v1/cases/:id/attachments',
    tags,
    summary: 'The files of a case, for whoever may see the case',
    params: idParams,
    responses: { 200: z.object({ items: z.array(caseAttachment) }) },
    errors: ['not_found'],
  }),
  download: defineEndpoint({
    method: 'GET',
    path: '/api/v1/cases/:id/attachments/:attachmentId',
    tags,
    summary:
      'Download one file of a case (same access as the case). Images are shown inline, PDFs always download.',
    params: z.object({ id: z.uuid(), attachmentId: z.uuid() }),
    responses: { 200: 'file' },
    errors: ['not_found', 'file_not_found'],
  }),
};

const configTags = ['case configuration'];
export const caseConfigEndpoints = {
  categories: defineEndpoint({
    method: 'GET',
    path: '/api/v1/case-categories',
    tags: configTags,
    summary: 'The case category tree, flat, in display order',
    responses: { 200: z.object({ items: z.array(caseCategory) }) },
    errors: [],
  }),
  createCategory: defineEndpoint({
    method: 'POST',
    path: '/api/v1/case-categories',
    tags: configTags,
    body: categoryInput,
    responses: { 201: caseCategory },
    errors: ['code_taken', 'parent_not_found', 'category_cycle', 'department_without_department_role'],
  }),
  updateCategory: defineEndpoint({
    method: 'PATCH',
    path: '/api/v1/case-categories/:id',
    tags: configTags,
    params: idParams,
    body: categoryPatch,
    responses: { 200: caseCategory },
    errors: [
      'not_found',
      'stale_version',
      'code_taken',
      'parent_not_found',
      'category_cycle',
      'department_without_department_role',
    ],
  }),
  rules: defineEndpoint({
    method: 'GET',
    path: '/api/v1/routing-rules',
    tags: configTags,
    summary: 'Routing rules in your units',
    responses: { 200: z.object({ items: z.array(routingRule) }) },
    errors: [],
  }),
  createRule: defineEndpoint({
    method: 'POST',
    path: '/api/v1/routing-rules',
    tags: configTags,
    body: routingRuleInput,
    responses: { 201: routingRule },
    errors: [
      'unit_not_found',
      'unit_retired',
      'unknown_category',
      'location_outside_units',
      'department_without_department_role',
    ],
  }),
  updateRule: defineEndpoint({
    method: 'PATCH',
    path: '/api/v1/routing-rules/:id',
    tags: configTags,
    params: idParams,
    body: routingRulePatch,
    responses: { 200: routingRule },
    errors: [
      'not_found',
      'stale_version',
      'unit_not_found',
      'unit_retired',
      'unknown_category',
      'location_outside_units',
      'department_without_department_role',
    ],
  }),
  deleteRule: defineEndpoint({
    method: 'DELETE',
    path: '/api/v1/routing-rules/:id',
    tags: configTags,
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
};
