import type { Kysely } from 'kysely';
import { Cache } from '../../../platform/cache/cache.js';
import { prepared } from '../../../platform/db/prepared-statements.js';
import type { CaseDB, CaseExecutor } from '../cases.tables.js';

/**
 * The staff directory the case center routes to and notifies: read-only over identity's tables
 * (role_grants, users), inside the case transaction that needs it.
 */
export class CaseStaffRepository {
  /** Staff per unit, stamped with the access epoch (migration 0008). */
  private readonly staff = new Cache<string, { id: string; display_name: string }[]>({
    ttlMs: Infinity,
    maxEntries: 10_000,
  });

  constructor(private readonly db: Kysely<CaseDB>) {}

  /**
   * Staff holding one of the roles directly on the unit. With the caller's access epoch (grants
   * and users move it, migration 0008) the answer is reused while the epoch stays the same.
   */
  async staffAt(
    unitId: string,
    roles: readonly string[],
    department: string | null,
    ex: CaseExecutor = this.db,
    epoch: number | null = null,
  ): Promise<{ id: string; display_name: string }[]> {
    let q = ex
      .selectFrom('role_grants as g')
      .modifyFront(prepared)
      .innerJoin('users as usr', 'usr.id', 'g.user_id')
      .select(['usr.id', 'usr.display_name'])
      .distinct()
      .where('g.org_unit_id', '=', unitId)
      .where('g.role', 'in', [...roles])
      .where('usr.disabled_at', 'is', null);
    if (department)
      q = q.where((eb) =>
        eb.or([eb('g.role', '!=', 'department_staff'), eb('g.department', '=', department)]),
      );
    const read = () => q.orderBy('usr.display_name').execute();
    const key = `${unitId}|${roles.join(',')}|${department ?? ''}`;
    return epoch === null ? read() : this.staff.load(key, read, epoch);
  }

  /** A user's grants with unit paths, to check that an assignee may handle the case. */
  grantsOf(userId: string, ex: CaseExecutor = this.db) {
    return ex
      .selectFrom('role_grants as g')
      .innerJoin('users as usr', 'usr.id', 'g.user_id')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .select(['g.role', 'g.department', 'u.path', 'usr.kind', 'usr.disabled_at', 'usr.display_name'])
      .where('g.user_id', '=', userId)
      .execute();
  }
}
