import { sql, type Transaction } from 'kysely';
import type { OrgUnitRow } from '../../orgs/orgs.service.js';
import type { CaseDetailRow } from '../cases.repository.js';
import type { CaseDB, CaseEventsTable, CasesTable, CaseUpdate } from '../cases.tables.js';
import type { CategoryRow } from '../cases.types.js';

/** A timeline row as written: the table's columns without the generated ones, `data` as an object. */
type NewCaseEvent = Omit<CaseEventsTable, 'id' | 'seq' | 'data'> & { data: Record<string, unknown> };

type Insert = Omit<
  CasesTable,
  | 'id'
  | 'ref'
  | 'escalation_level'
  | 'supervised'
  | 'response_reminded'
  | 'resolution_reminded'
  | 'paused_ms'
  | 'response_paused_ms'
  | 'resolve_count'
  | 'reopen_count'
  | 'due_at'
  | 'version'
  | 'attributes'
  | 'created_at'
  | 'updated_at'
> & { attributes: Record<string, unknown>; created_at: Date; updated_at: Date };
export type CasePatch = Omit<CaseUpdate, 'id' | 'ref' | 'version' | 'updated_at' | 'attributes'>;

/**
 * The writes of a case's life: intake's insert, every transition's versioned update, timeline
 * events and followers. Counts the cases this process wrote, so the inbox does not reuse a total
 * counted before its own last write (inbox/case-inbox.repository.ts).
 */
export class CaseWritesRepository {
  /** Cases this process has written: a cached count older than the last write is not reused. */
  private writes = 0;

  /** How many case rows this process has inserted or updated so far. */
  get written(): number {
    return this.writes;
  }

  /**
   * Inserts a case and returns it as `find` would, without reading it back: at intake everything
   * the detail joins is already at hand (the category, the location and holding units, no
   * supervisor, no assignee, the reporter). The type keeps this in step with CasesRepository's detail query.
   * Undefined when the submitter's idempotency key is already taken (a concurrent repeat).
   */
  async insertDetail(
    trx: Transaction<CaseDB>,
    c: Insert,
    known: { category: CategoryRow; location: OrgUnitRow; holder: OrgUnitRow; reporterName: string | null },
  ): Promise<CaseDetailRow | undefined> {
    const row = await this.insertRow(trx, c);
    if (!row) return undefined;
    const { category: cat, location: u, holder: r } = known;
    return {
      ...row,
      category_code: cat.code,
      category_name_zh: cat.name_zh,
      category_name_en: cat.name_en,
      requires_photo: cat.requires_photo,
      response_hours: cat.response_hours,
      resolution_hours: cat.resolution_hours,
      category_department: cat.department,
      unit_code: u.code,
      unit_path: u.path,
      unit_name_zh: u.name_zh,
      unit_name_en: u.name_en,
      resp_code: r.code,
      resp_path: r.path,
      resp_type: r.type,
      resp_parent_id: r.parent_id,
      resp_name_zh: r.name_zh,
      resp_name_en: r.name_en,
      sup_code: null,
      sup_name_zh: null,
      sup_name_en: null,
      assignee_name: null,
      reporter_name: known.reporterName,
    };
  }

  private async insertRow(trx: Transaction<CaseDB>, c: Insert) {
    this.writes++;
    // C2026-000123: the number from the sequence in the same statement, at least six digits.
    const prefix = `C${c.response_due_at.getUTCFullYear()}-`;
    const row = await trx
      .insertInto('cases')
      .values({
        ...c,
        ref: sql<string>`(SELECT ${prefix} || lpad(n::text, greatest(6, length(n::text)), '0')
          FROM (SELECT nextval('case_ref_seq') AS n) AS s)`,
        attributes: JSON.stringify(c.attributes),
      })
      // The unique index decides between concurrent repeats: the loser inserts nothing and waits
      // for the winner's commit, instead of failing with a unique violation.
      .onConflict((oc) =>
        oc
          .columns(['channel', 'source_submitter', 'source_ref'])
          .where('source_ref', 'is not', null)
          .doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    return row;
  }

  /** Applies the patch when the version still matches; undefined means someone else acted first. */
  update(trx: Transaction<CaseDB>, id: string, version: number, patch: CasePatch, now: Date) {
    this.writes++;
    return trx
      .updateTable('cases')
      .set({ ...patch, version: sql`version + 1`, updated_at: now })
      .where('id', '=', id)
      .where('version', '=', version)
      .returning(['id', 'version'])
      .executeTakeFirst();
  }

  /** Timeline rows in insertion order (their seq follows the array). */
  async addEvents(trx: Transaction<CaseDB>, events: NewCaseEvent[]): Promise<void> {
    if (events.length === 0) return;
    await trx
      .insertInto('case_events')
      .values(events.map((e) => ({ ...e, data: JSON.stringify(e.data) })))
      .execute();
  }

  async follow(
    trx: Transaction<CaseDB>,
    caseId: string,
    userIds: string[],
    reason: 'reporter' | 'merged' | 'follow',
  ) {
    if (userIds.length === 0) return;
    await trx
      .insertInto('case_followers')
      .values(userIds.map((user_id) => ({ case_id: caseId, user_id, reason })))
      .onConflict((oc) => oc.columns(['case_id', 'user_id']).doNothing())
      .execute();
  }
}
