import type { Kysely, Transaction } from 'kysely';
import { Cache } from '../../platform/cache/cache.js';
import type { DB } from '../../platform/db/schema.js';
import { prepared } from '../../platform/db/prepared-statements.js';

/** Where a lookup runs: on its own, or inside the caller's transaction (a case's, say). */
type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Who holds which role where, for other modules that route work to people and notify them (the
 * case center): identity's tables (role_grants, users) read by identity, inside the caller's
 * transaction when it passes one.
 */
export class StaffDirectory {
  /** Staff per unit, stamped with the access epoch (migration 0008). */
  private readonly staff = new Cache<string, { id: string; display_name: string }[]>({
    ttlMs: Infinity,
    maxEntries: 10_000,
  });

  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Staff holding one of the roles directly on the unit. With the caller's access epoch (grants
   * and users move it, migration 0008) the answer is reused while the epoch stays the same.
   */
  async staffAt(
    unitId: string,
    roles: readonly string[],
    department: string | null,
    ex: Executor = this.db,
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
  grantsOf(userId: string, ex: Executor = this.db) {
    return ex
      .selectFrom('role_grants as g')
      .innerJoin('users as usr', 'usr.id', 'g.user_id')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .select(['g.role', 'g.department', 'u.path', 'usr.kind', 'usr.disabled_at', 'usr.display_name'])
      .where('g.user_id', '=', userId)
      .execute();
  }
}
