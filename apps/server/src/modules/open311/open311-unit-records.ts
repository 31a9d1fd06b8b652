import { sql, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { UnitRecordHolder } from '../orgs/org-unit-records.js';
import { asOpen311Tx } from './open311.tables.js';

/**
 * An integrator's Open311 key is issued for a unit and scopes what it may report and read, so it
 * follows the unit through a merge (ADR 0043); revoked keys move too, keeping their history with the
 * unit. A live key keeps the unit from retiring: revoke it or merge the unit instead.
 */
export const open311UnitRecords: UnitRecordHolder = {
  module: 'open311',
  async count(trx: Transaction<DB>, unitId: string) {
    const row = await asOpen311Tx(trx)
      .selectFrom('open311_api_keys')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('org_unit_id', '=', unitId)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return [{ kind: 'open311Keys', count: row.n }];
  },
  async moveAll(trx: Transaction<DB>, fromId: string, intoId: string) {
    const moved = await asOpen311Tx(trx)
      .updateTable('open311_api_keys')
      .set({ org_unit_id: intoId })
      .where('org_unit_id', '=', fromId)
      .executeTakeFirst();
    return [{ kind: 'open311Keys', count: Number(moved.numUpdatedRows) }];
  },
};
