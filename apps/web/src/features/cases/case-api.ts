import {
  caseDetail,
  publicCase,
  type CaseAction,
  type CaseState,
  type CreateCase,
} from '@civitas/contracts/cases';
import { endpoints } from '@civitas/contracts/endpoints';
import type { AnyCase } from '@civitas/contracts/endpoints/cases';
import { call, hasCode } from '../../app/api-client';

export type { AnyCase, CasePage, ResidentCase, StaffCase } from '@civitas/contracts/endpoints/cases';
export type CaseActionBody = CaseAction;

export function actOnCase(id: string, body: CaseActionBody): Promise<AnyCase> {
  return call(endpoints.cases.act, { params: { id }, body });
}

export function createCase(body: CreateCase): Promise<AnyCase> {
  return call(endpoints.cases.create, { body });
}

/**
 * A 409 for a stale version carries the case as it is now (problem extension `current`), so the user
 * can see what changed and decide again instead of overwriting it.
 */
export function conflictCurrent(error: unknown): AnyCase | null {
  if (!hasCode(error, 'stale_version')) return null;
  // Staff get the full case, others the public view (case-actions.service.ts, stale()).
  const staff = caseDetail.safeParse(error.problem.current);
  if (staff.success) return { ...staff.data, view: 'staff' };
  const shown = publicCase.safeParse(error.problem.current);
  return shown.success ? { ...shown.data, view: 'public' } : null;
}

/** A refusal that is not a stale version (e.g. illegal transition) also arrives as 409. */
export function isStaleVersion(error: unknown): boolean {
  return hasCode(error, 'stale_version');
}

export const OPEN_STATES: readonly CaseState[] = [
  'submitted',
  'accepted',
  'assigned',
  'in_progress',
  'pending_info',
  'reopened',
];
