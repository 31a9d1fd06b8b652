import { sql, type Kysely, type Transaction } from 'kysely';
import type { CaseDB } from '../cases.tables.js';

/** The deadline job's SQL: cases past their deadline, and reminders claimed in one statement each. */
export class CaseDeadlinesRepository {
  constructor(private readonly db: Kysely<CaseDB>) {}

  /** Cases whose response or resolution deadline has passed and that can still go up, oldest first. */
  overdue(now: Date, limit: number) {
    return (
      this.db
        .selectFrom('cases as c')
        .innerJoin('org_units as r', 'r.id', 'c.responsible_unit_id')
        .select('c.id')
        // Held at the top of the tree there is nowhere to go: such cases stay overdue in the inbox.
        .where('r.parent_id', 'is not', null)
        // due_at is the deadline of the current state; the state list lets the planner use the
        // index of cases in play (cases_active_inbox_idx).
        .where('c.state', 'in', ['submitted', 'accepted', 'reopened', 'assigned', 'in_progress'])
        .where('c.due_at', '<', now)
        .orderBy('c.updated_at')
        .limit(limit)
        .execute()
    );
  }

  /**
   * Marks cases whose deadline is within `leadPercent` of its window as reminded and returns them:
   * the flag is set in the same statement, so two workers never remind twice. In these states
   * due_at is the response (then the resolution) deadline.
   */
  async claimReminders(trx: Transaction<CaseDB>, now: Date, leadPercent: number) {
    const response = await sql<{ id: string; kind: string }>`
      UPDATE cases AS c SET response_reminded = true
      FROM case_categories AS cat
      WHERE cat.id = c.category_id AND NOT c.response_reminded
        AND c.state IN ('submitted', 'accepted', 'reopened') AND c.due_at >= ${now}
        AND c.due_at - make_interval(secs => cat.response_hours * 36.0 * ${leadPercent}::float8) <= ${now}
      RETURNING c.id, 'response' AS kind`.execute(trx);
    const resolution = await sql<{ id: string; kind: string }>`
      UPDATE cases AS c SET resolution_reminded = true
      FROM case_categories AS cat
      WHERE cat.id = c.category_id AND NOT c.resolution_reminded
        AND c.state IN ('assigned', 'in_progress') AND c.due_at >= ${now}
        AND c.due_at - make_interval(secs => cat.resolution_hours * 36.0 * ${leadPercent}::float8) <= ${now}
      RETURNING c.id, 'resolution' AS kind`.execute(trx);
    return [...response.rows, ...resolution.rows];
  }
}
