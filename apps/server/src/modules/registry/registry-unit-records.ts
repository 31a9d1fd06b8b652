import { sql, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { UnitRecordHolder } from '../orgs/org-unit-records.js';
import './registry.tables.js';

const n = sql<number>`count(*)::int`.as('n');

/**
 * Buildings (on a grid) and residents follow their unit through a merge (ADR 0043) and keep it
 * from retiring. A merge joins units of one type, so a building's grid stays a grid. Moving
 * residents moves the registry epoch (migration 0014), so cached resident pages read afresh.
 */
export const registryUnitRecords: UnitRecordHolder = {
  module: 'registry',
  async count(trx: Transaction<DB>, unitId: string) {
    // One after the other: a transaction is one connection.
    const b = await trx
      .selectFrom('buildings')
      .select(n)
      .where('grid_id', '=', unitId)
      .executeTakeFirstOrThrow();
    const r = await trx
      .selectFrom('residents')
      .select(n)
      .where('org_unit_id', '=', unitId)
      .executeTakeFirstOrThrow();
    return [
      { kind: 'buildings', count: b.n },
      { kind: 'residents', count: r.n },
    ];
  },
  async moveAll(trx: Transaction<DB>, fromId: string, intoId: string) {
    const b = await trx
      .updateTable('buildings')
      .set({ grid_id: intoId })
      .where('grid_id', '=', fromId)
      .executeTakeFirst();
    const r = await trx
      .updateTable('residents')
      .set({ org_unit_id: intoId })
      .where('org_unit_id', '=', fromId)
      .executeTakeFirst();
    return [
      { kind: 'buildings', count: Number(b.numUpdatedRows) },
      { kind: 'residents', count: Number(r.numUpdatedRows) },
    ];
  },
};
