import type {
  CaseCategory,
  CaseDetail,
  CaseEvent,
  CaseState,
  PublicCase,
  RoutingRule,
} from '@civitas/contracts/cases';
import { systemTitle } from './case-titles.js';
import { publicPoint } from './location/case-public-location.js';
import type { CaseDetailRow } from './cases.repository.js';
import type { CaseEventRow } from './cases.tables.js';
import type { CategoryRow } from './cases.types.js';
import type { RuleWithUnits } from './config/case-config.repository.js';
import { resolutionStates, responseStates } from './workflow/case-workflow.js';
import { allowedActions, claimable } from './workflow/case-offers.js';
import type { Actor } from '../../platform/auth/actor.js';

export function isOverdue(c: CaseDetailRow, now: Date): boolean {
  const state = c.state as CaseState;
  if (responseStates.includes(state)) return c.response_due_at < now;
  if (resolutionStates.includes(state)) return c.resolution_due_at < now;
  return false;
}

const category = (c: CaseDetailRow) => ({
  id: c.category_id,
  code: c.category_code,
  name: { 'zh-CN': c.category_name_zh, en: c.category_name_en },
});
const point = (c: CaseDetailRow) => ({
  type: 'Point' as const,
  coordinates: [c.lng, c.lat] as [number, number],
});

/** The staff view: everything, including who handles it. */
export function presentCase(c: CaseDetailRow, now: Date, viewer: Actor): CaseDetail {
  return {
    id: c.id,
    ref: c.ref,
    channel: c.channel as CaseDetail['channel'],
    category: category(c),
    title: c.title,
    systemTitle: systemTitle(c),
    description: c.description,
    address: c.address,
    location: point(c),
    unit: { id: c.org_unit_id, code: c.unit_code, name: { 'zh-CN': c.unit_name_zh, en: c.unit_name_en } },
    state: c.state as CaseState,
    pausedFrom: c.paused_from as CaseState | null,
    responsible: {
      unit: {
        id: c.responsible_unit_id,
        code: c.resp_code,
        name: { 'zh-CN': c.resp_name_zh, en: c.resp_name_en },
      },
      department: c.responsible_department,
      role: c.responsible_role,
    },
    assignee: c.assignee_id ? { id: c.assignee_id, name: c.assignee_name ?? '' } : null,
    reporter: c.reporter_id ? { id: c.reporter_id, name: c.reporter_name ?? '' } : null,
    escalationLevel: c.escalation_level,
    supervised: c.supervised,
    supervision:
      c.supervised && c.supervised_by_unit_id && c.supervised_at
        ? {
            byUnit: {
              id: c.supervised_by_unit_id,
              code: c.sup_code ?? '',
              name: { 'zh-CN': c.sup_name_zh ?? '', en: c.sup_name_en ?? '' },
            },
            at: c.supervised_at.toISOString(),
            note: c.supervision_note,
          }
        : null,
    responseDueAt: c.response_due_at.toISOString(),
    resolutionDueAt: c.resolution_due_at.toISOString(),
    overdue: isOverdue(c, now),
    respondedAt: c.responded_at?.toISOString() ?? null,
    resolvedAt: c.resolved_at?.toISOString() ?? null,
    closedAt: c.closed_at?.toISOString() ?? null,
    resolutionNote: c.resolution_note,
    rejectionReason: c.rejection_reason,
    duplicateOf: c.duplicate_of,
    satisfaction: c.satisfaction,
    attributes: c.attributes,
    // Masked only; the plain value comes from the audited reveal (case-contact.ts).
    contact:
      c.contact_name_mask === null && c.contact_phone_mask === null
        ? null
        : { name: c.contact_name_mask, phone: c.contact_phone_mask },
    requiresPhoto: c.requires_photo,
    allowedActions: allowedActions(viewer, c),
    claimable: claimable(viewer, c),
    version: c.version,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

/**
 * The resident-facing view: the holding unit and department are public, the people handling it
 * are not (PIPL minimum necessary). Someone following another person's report (theirs was merged
 * into it) sees it as every public view shows a person's report (ADR 0020): at the centre of its
 * cell, without the address.
 */
export function presentPublicCase(c: CaseDetailRow, viewer: Actor): PublicCase {
  const viewerId = viewer.userId;
  const open = !['resolved', 'closed', 'rejected', 'duplicate'].includes(c.state);
  const own = c.reporter_id !== null && c.reporter_id === viewerId;
  const where = own ? { lat: c.lat, lng: c.lng } : publicPoint(c);
  return {
    id: c.id,
    ref: c.ref,
    channel: c.channel as PublicCase['channel'],
    category: category(c),
    title: c.title,
    systemTitle: systemTitle(c),
    description: c.description,
    address: own ? c.address : null,
    location: { type: 'Point', coordinates: [where.lng, where.lat] },
    state: c.state as CaseState,
    responsibleUnit: { code: c.resp_code, name: { 'zh-CN': c.resp_name_zh, en: c.resp_name_en } },
    responsibleDepartment: c.responsible_department,
    supervised: c.supervised,
    expectedAt: open ? c.resolution_due_at.toISOString() : null,
    resolutionNote: c.resolution_note,
    rejectionReason: c.rejection_reason,
    duplicateOf: c.duplicate_of,
    satisfaction: c.satisfaction,
    allowedActions: allowedActions(viewer, c),
    version: c.version,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}

/** A timeline event; the resident view keeps the role ("grid_worker") and drops the person. */
export function presentEvent(e: CaseEventRow, view: 'staff' | 'public', viewerId: string): CaseEvent {
  const own = e.actor_id !== null && e.actor_id === viewerId;
  return {
    id: e.id,
    at: e.at.toISOString(),
    action: e.action,
    fromState: e.from_state as CaseState | null,
    toState: e.to_state as CaseState | null,
    internal: e.visibility === 'internal',
    actor:
      view === 'staff' || own
        ? { id: e.actor_id, name: e.actor_name, role: e.actor_role }
        : { id: null, name: null, role: e.actor_role },
    note: e.note,
    data: view === 'staff' ? e.data : publicData(e.data),
  };
}

// Routing details (unit ids, assignee ids) are internal; the public timeline keeps plain facts.
const PUBLIC_DATA_KEYS = new Set(['satisfaction', 'duplicateOf', 'channel', 'category', 'automatic']);
function publicData(d: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(d).filter(([k]) => PUBLIC_DATA_KEYS.has(k)));
}

export function presentCategory(c: CategoryRow): CaseCategory {
  return {
    id: c.id,
    code: c.code,
    parentId: c.parent_id,
    name: { 'zh-CN': c.name_zh, en: c.name_en },
    department: c.department,
    responseHours: c.response_hours,
    resolutionHours: c.resolution_hours,
    requiresPhoto: c.requires_photo,
    duplicateRadiusM: c.duplicate_radius_m,
    attributes: c.attributes as CaseCategory['attributes'],
    active: c.active,
    sort: c.sort,
    version: c.version,
  };
}

export function presentRule(r: RuleWithUnits): RoutingRule {
  return {
    id: r.id,
    categoryId: r.category_id,
    categoryCode: r.category_code,
    orgUnitId: r.org_unit_id,
    orgUnitCode: r.unit_code,
    targetUnitId: r.target_unit_id,
    targetUnitCode: r.target_code,
    targetRole: r.target_role as RoutingRule['targetRole'],
    targetDepartment: r.target_department,
    priority: r.priority,
    note: r.note,
    version: r.version,
  };
}
