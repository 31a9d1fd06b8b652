import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { OrgUnitRow } from '../orgs/orgs.service.js';

/**
 * The metrics module's own SQL: the drill-down's units. The figures themselves are the case
 * center's (CaseService.figures, cases/figures/case-figures.repository.ts).
 */
export class MetricsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The direct children of a unit, for the drill-down rows (units without cases included). */
  children(unitId: string): Promise<OrgUnitRow[]> {
    return this.db
      .selectFrom('org_units')
      .selectAll()
      .where('parent_id', '=', unitId)
      .orderBy('code')
      .execute();
  }
}
