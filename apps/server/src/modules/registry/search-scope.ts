import type { Permission } from '@civitas/contracts/roles';
import { assertCovers, grantsFor, scopePaths } from '../../platform/auth/access.js';
import type { Actor, Grant } from '../../platform/auth/actor.js';
import { forbidden } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';

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
