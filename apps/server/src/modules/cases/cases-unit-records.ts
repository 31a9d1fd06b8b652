import { sql, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { UnitRecordCount } from '@civitas/contracts/org-lifecycle';
import type { UnitRecordHolder } from '../orgs/org-unit-records.js';
import { caseTx } from './cases.tables.js';
import { terminalStates } from './workflow/case-workflow.js';

const n = sql<number>`count(*)::int`.as('n');
const unitColumns = ['org_unit_id', 'responsible_unit_id', 'supervised_by_unit_id'] as const;

/**
 * Cases (where they happened, who answers, who supervises) and routing rules (for and to a unit)
 * follow their unit through a merge (ADR 0043), closed cases included, so the target's reports
 * hold the merged unit's history. Open cases and rules keep a unit from retiring; closed cases
 * stay with it as history. `afterCommit` drops this process's routing snapshot; others read the
 * rules again within CASE_CONFIG's TTL.
 */
export function caseUnitRecords(onRulesChanged: () => void): UnitRecordHolder {
  const count = async (trx: Transaction<DB>, unitId: string): Promise<UnitRecordCount[]> => {
    const t = caseTx(trx);
    const open = await t
      .selectFrom('cases')
      .select(n)
      .where((eb) => eb.or(unitColumns.map((c) => eb(c, '=', unitId))))
      .where('state', 'not in', terminalStates)
      .executeTakeFirstOrThrow();
    const closed = await t
      .selectFrom('cases')
      .select(n)
      .where((eb) => eb.or(unitColumns.map((c) => eb(c, '=', unitId))))
      .where('state', 'in', terminalStates)
      .executeTakeFirstOrThrow();
    const rules = await t
      .selectFrom('routing_rules')
      .select(n)
      .where((eb) => eb.or([eb('org_unit_id', '=', unitId), eb('target_unit_id', '=', unitId)]))
      .executeTakeFirstOrThrow();
    return [
      { kind: 'openCases', count: open.n },
      { kind: 'closedCases', count: closed.n },
      { kind: 'routingRules', count: rules.n },
    ];
  };
  return {
    module: 'cases',
    count,
    async moveAll(trx: Transaction<DB>, fromId: string, intoId: string) {
      const t = caseTx(trx);
      const before = await count(trx, fromId);
      for (const c of unitColumns)
        await t
          .updateTable('cases')
          .set({ [c]: intoId })
          .where(c, '=', fromId)
          .execute();
      for (const c of ['org_unit_id', 'target_unit_id'] as const)
        await t
          .updateTable('routing_rules')
          .set({ [c]: intoId })
          .where(c, '=', fromId)
          .execute();
      return before;
    },
    afterCommit: onRulesChanged,
  };
}
