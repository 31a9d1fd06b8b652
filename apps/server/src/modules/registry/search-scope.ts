import { RESIDENT_SEARCH_MAX, type ResidentSearchResponse } from '@civitas/contracts/registry';
import type { Permission } from '@civitas/contracts/roles';
import { assertCovers, grantsFor, scopePaths } from '../../platform/auth/access.js';
import type { Actor, Grant, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import { forbidden } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { presentResident } from './registry.presenter.js';
import type { ResidentListRow } from './residents.repository.js';

export interface SearchScope {
  /** Paths of the subtrees searched. */
  paths: string[];
  /** The unit the audit row names. */
  unitId: string;
  grant: Grant;
}

/**
 * Where a search may look: the caller's scope for `permission`, or `unitId`, which must be
 * covered by it (a unit the caller cannot see: 404; one seen without the permission: 403).
 * Checked before anything is counted or looked up: a refused request learned nothing, so it does
 * not use up the caller's searches.
 */
export async function searchScope(
  orgs: OrgsService,
  actor: Actor,
  permission: Permission,
  unitId: string | undefined,
): Promise<SearchScope> {
  if (unitId) {
    const unit = await orgs.get(actor, unitId);
    const grant = assertCovers(actor, permission, unit.path, 'Org unit', false);
    return { paths: [unit.path], unitId: unit.id, grant };
  }
  const grant = grantsFor(actor, permission)[0];
  // The route requires the permission, so a grant exists; this guards a caller outside HTTP.
  if (!grant) throw forbidden();
  return { paths: scopePaths(actor, permission), unitId: grant.orgUnitId, grant };
}

/**
 * The answer of a search and its audit row, written before the answer (hits and misses alike):
 * at most RESIDENT_SEARCH_MAX residents, `targetId` when exactly one matched. `rows` holds one
 * more than the maximum when there are more. The row never holds the searched value, in clear or
 * as its digest.
 */
export async function answerSearch(
  audit: AuditLog,
  ctx: RequestContext & { actor: Actor },
  where: SearchScope,
  rows: ResidentListRow[],
  entry: { action: 'resident.reveal' | 'resident.search'; detail: Record<string, unknown>; unitId?: string },
): Promise<ResidentSearchResponse> {
  const found = rows.slice(0, RESIDENT_SEARCH_MAX);
  const ids = found.map((r) => r.id);
  const truncated = rows.length > RESIDENT_SEARCH_MAX;
  await audit.record(ctx, {
    action: entry.action,
    targetType: 'resident',
    ...(ids.length === 1 ? { targetId: ids[0] } : {}),
    targetUnitId: where.unitId,
    grant: where.grant,
    detail: { ...entry.detail, matched: ids.length, ids, ...(entry.unitId ? { unitId: entry.unitId } : {}) },
  });
  return { items: found.map(presentResident), truncated };
}
