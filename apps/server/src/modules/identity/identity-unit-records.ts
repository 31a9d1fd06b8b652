import { sql, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { UnitRecordHolder } from '../orgs/org-unit-records.js';
import './identity.tables.js';

/**
 * Role grants (a user's place in the tree) follow their unit through a merge (ADR 0043) and keep
 * it from retiring. A grant held at both units collapses into the target's. Grant changes move
 * the access epoch (migration 0008), so sessions and scopes in every process see them at once.
 */
export const identityUnitRecords: UnitRecordHolder = {
  module: 'identity',
  count: usersAt,
  async moveAll(trx: Transaction<DB>, fromId: string, intoId: string) {
    const users = await usersAt(trx, fromId);
    await trx
      .deleteFrom('role_grants as g')
      .where('g.org_unit_id', '=', fromId)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('role_grants as t')
            .select('t.id')
            .where('t.org_unit_id', '=', intoId)
            .whereRef('t.user_id', '=', 'g.user_id')
            .whereRef('t.role', '=', 'g.role'),
        ),
      )
      .execute();
    await trx
      .updateTable('role_grants')
      .set({ org_unit_id: intoId })
      .where('org_unit_id', '=', fromId)
      .execute();
    return users;
  },
};

/** Users holding any grant at the unit itself (grants above it cover it but do not point at it). */
async function usersAt(trx: Transaction<DB>, unitId: string) {
  const r = await trx
    .selectFrom('role_grants')
    .select(sql<number>`count(DISTINCT user_id)::int`.as('n'))
    .where('org_unit_id', '=', unitId)
    .executeTakeFirstOrThrow();
  return [{ kind: 'users' as const, count: r.n }];
}
