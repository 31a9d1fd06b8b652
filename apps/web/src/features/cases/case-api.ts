import type {
  CaseAction,
  CaseCategory,
  CaseDetail,
  CaseEvent,
  CaseState,
  CreateCase,
  PublicCase,
} from '@civitas/contracts/cases';
import { api, ApiError } from '../../app/api-client';

/** The server answers staff with the full case and residents with the public view; `view` says which. */
export type StaffCase = CaseDetail & { view: 'staff' };
export type ResidentCase = PublicCase & { view: 'public' };
export type AnyCase = StaffCase | ResidentCase;

export interface CasePage {
  items: AnyCase[];
  total: number;
  limit: number;
  offset: number;
}

export interface NearbyCase {
  id: string;
  ref: string;
  title: string;
  state: CaseState;
  distanceM: number;
  createdAt: string;
  version: number;
}

export type CaseActionBody = CaseAction;

export function actOnCase(id: string, body: CaseActionBody): Promise<AnyCase> {
  return api<AnyCase>(`/cases/${id}/actions`, { method: 'POST', body });
}

export function createCase(body: CreateCase): Promise<AnyCase> {
  return api<AnyCase>('/cases', { method: 'POST', body });
}

export function fetchCase(id: string): Promise<AnyCase> {
  return api<AnyCase>(`/cases/${id}`);
}

export type { CaseCategory, CaseEvent };

/**
 * A 409 for a stale version carries the case as it is now (problem extension `current`), so the user
 * can see what changed and decide again instead of overwriting it.
 */
export function conflictCurrent(error: unknown): AnyCase | null {
  if (!(error instanceof ApiError) || error.status !== 409) return null;
  const current = (error.problem as { current?: unknown } | null)?.current;
  if (!current || typeof current !== 'object') return null;
  const c = current as CaseDetail | PublicCase;
  return 'unit' in c ? { ...c, view: 'staff' } : { ...c, view: 'public' };
}

/** A refusal that is not a stale version (e.g. illegal transition) also arrives as 409. */
export function isStaleVersion(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409 && error.problem?.code === 'stale_version';
}

export const OPEN_STATES: readonly CaseState[] = [
  'submitted',
  'accepted',
  'assigned',
  'in_progress',
  'pending_info',
  'reopened',
];
