import { sql, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { UnitRecordHolder } from '../orgs/org-unit-records.js';
import './devices.tables.js';

const n = sql<number>`count(*)::int`.as('n');

/**
 * Devices and API key groups follow their unit through a merge (ADR 0043) and keep it from
 * retiring. Ingest resolves a device's unit through the device directory, whose entries expire
 * within its TTL in every process.
 */
export const deviceUnitRecords: UnitRecordHolder = {
  module: 'devices',
  async count(trx: Transaction<DB>, unitId: string) {
    // One after the other: a transaction is one connection.
    const d = await trx
      .selectFrom('devices')
      .select(n)
      .where('org_unit_id', '=', unitId)
      .executeTakeFirstOrThrow();
    const g = await trx
      .selectFrom('api_key_groups')
      .select(n)
      .where('org_unit_id', '=', unitId)
      .executeTakeFirstOrThrow();
    return [
      { kind: 'devices', count: d.n },
      { kind: 'apiKeyGroups', count: g.n },
    ];
  },
  async moveAll(trx: Transaction<DB>, fromId: string, intoId: string) {
    const d = await trx
      .updateTable('devices')
      .set({ org_unit_id: intoId })
      .where('org_unit_id', '=', fromId)
      .executeTakeFirst();
    const g = await trx
      .updateTable('api_key_groups')
      .set({ org_unit_id: intoId })
      .where('org_unit_id', '=', fromId)
      .executeTakeFirst();
    return [
      { kind: 'devices', count: Number(d.numUpdatedRows) },
      { kind: 'apiKeyGroups', count: Number(g.numUpdatedRows) },
    ];
  },
};
