import { sql, type InferResult, type Kysely, type Transaction } from 'kysely';
import { prepared, withParameters } from '../../platform/db/prepared-statements.js';
import type { CaseDB, CaseExecutor, CaseRow } from './cases.tables.js';
import type { PublicCaseFilter } from './cases.types.js';

/** A placeholder for compiled lookups; every call passes its own parameters. */
const NO_ID = '00000000-0000-0000-0000-000000000000';

/**
 * The reads of cases: one case with its details (and its row lock for a transition), a page's
 * cases by id, repeats by idempotency key, open cases nearby, the public rows, the timeline,
 * followers and the attachment count. The other SQL of the case center lives by concern: writes
 * and transitions in workflow/case-writes.repository.ts, the inbox in inbox/, deadlines in
 * deadlines/, the staff directory in desk/, configuration in config/, attachments in
 * attachments/, the governance figures in figures/.
 */
export class CasesRepository {
  constructor(private readonly db: Kysely<CaseDB>) {}

  /** Cases by state over the whole installation (monitoring: the backlog). */
  async countByState(): Promise<{ state: string; n: number }[]> {
    return this.db
      .selectFrom('cases')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('state')
      .execute();
  }

  /** The detail query's shape, for its row type. */
  detailQuery() {
    return this.detail();
  }

  private detail(ex: CaseExecutor = this.db) {
    return ex
      .selectFrom('cases as c')
      .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
      .innerJoin('org_units as u', 'u.id', 'c.org_unit_id')
      .innerJoin('org_units as r', 'r.id', 'c.responsible_unit_id')
      .leftJoin('org_units as s', 's.id', 'c.supervised_by_unit_id')
      .leftJoin('users as a', 'a.id', 'c.assignee_id')
      .leftJoin('users as rep', 'rep.id', 'c.reporter_id')
      .selectAll('c')
      .select([
        'cat.code as category_code',
        'cat.name_zh as category_name_zh',
        'cat.name_en as category_name_en',
        'cat.requires_photo',
        'cat.response_hours',
        'cat.resolution_hours',
        'cat.department as category_department',
        'u.code as unit_code',
        'u.path as unit_path',
        'u.name_zh as unit_name_zh',
        'u.name_en as unit_name_en',
        'r.code as resp_code',
        'r.path as resp_path',
        'r.type as resp_type',
        'r.parent_id as resp_parent_id',
        'r.name_zh as resp_name_zh',
        'r.name_en as resp_name_en',
        's.code as sup_code',
        's.name_zh as sup_name_zh',
        's.name_en as sup_name_en',
        'a.display_name as assignee_name',
        'rep.display_name as reporter_name',
      ]);
  }

  /**
   * The detail lookups every intake, action and case page runs: built and compiled once, sent as
   * prepared statements (planning the joins cost more than running them), run with new parameters.
   */
  private compiled?: ReturnType<CasesRepository['compileLookups']>;
  private get byId() {
    return (this.compiled ??= this.compileLookups());
  }
  private compileLookups() {
    return {
      find: this.detail().modifyFront(prepared).where('c.id', '=', NO_ID).compile(),
      lock: this.detail().modifyFront(prepared).where('c.id', '=', NO_ID).forUpdate('c').compile(),
      many: this.detail()
        .modifyFront(prepared)
        .where(sql<boolean>`c.id = ANY(${[NO_ID]}::uuid[])`)
        .compile(),
    };
  }

  async find(id: string, ex: CaseExecutor = this.db): Promise<CaseDetailRow | undefined> {
    return (await ex.executeQuery(withParameters(this.byId.find, [id]))).rows[0];
  }

  /**
   * The cases with these ids, in the order given. One statement text for any number of ids, so
   * it is prepared once per connection: planning the seven-table join cost more than running it.
   */
  async findMany(ids: string[]): Promise<CaseDetailRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.executeQuery(withParameters(this.byId.many, [ids]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** Loads and row-locks the case for a transition: concurrent actions on one case queue here. */
  findForUpdate(trx: Transaction<CaseDB>, id: string) {
    return trx.executeQuery(withParameters(this.byId.lock, [id])).then((r) => r.rows[0]);
  }

  /** The case this submitter already sent under this key (ADR 0020); never another submitter's. */
  findBySource(channel: string, submitter: string, sourceRef: string) {
    return this.detail()
      .where('c.channel', '=', channel)
      .where('c.source_submitter', '=', submitter)
      .where('c.source_ref', '=', sourceRef)
      .executeTakeFirst();
  }

  /** Whether any submitter used the key on the channel: for seeding tools, which show no case. */
  async sourceRefTaken(channel: string, sourceRef: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('cases')
      .select('id')
      .where('channel', '=', channel)
      .where('source_ref', '=', sourceRef)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Open cases of one category in the given H3 cells (the caller filters by exact distance). */
  openInCells(categoryId: string, cells: string[], openStates: readonly string[]) {
    if (cells.length === 0) return Promise.resolve([]);
    return this.detail()
      .where('c.category_id', '=', categoryId)
      .where('c.h3', 'in', cells)
      .where('c.state', 'in', [...openStates])
      .orderBy('c.created_at')
      .limit(200)
      .execute();
  }

  /**
   * Cases as anyone may see them (Open311 GET requests, answered without a signed-in actor): only
   * the columns a public service request shows, newest first.
   */
  publicCases(f: PublicCaseFilter) {
    let q = this.db
      .selectFrom('cases as c')
      .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
      .innerJoin('org_units as u', 'u.id', 'c.org_unit_id')
      .innerJoin('org_units as r', 'r.id', 'c.responsible_unit_id')
      .leftJoin('cases as dup', 'dup.id', 'c.duplicate_of')
      .select([
        'c.id',
        'c.ref',
        'c.channel',
        'c.state',
        'c.description',
        'c.address',
        'c.lat',
        'c.lng',
        'c.h3',
        'c.responsible_department',
        'c.resolution_note',
        'c.rejection_reason',
        'c.resolution_due_at',
        'c.created_at',
        'c.updated_at',
        'cat.code as category_code',
        'cat.name_zh as category_name_zh',
        'cat.name_en as category_name_en',
        'cat.response_hours',
        'cat.resolution_hours',
        'r.name_zh as resp_name_zh',
        'r.name_en as resp_name_en',
        'dup.ref as duplicate_of_ref',
      ]);
    if (f.hiddenCategoryIds.length > 0) q = q.where('c.category_id', 'not in', f.hiddenCategoryIds);
    if (f.caseId) q = q.where('c.id', '=', f.caseId);
    if (f.refs) q = q.where('c.ref', 'in', f.refs);
    if (f.categoryCodes) q = q.where('cat.code', 'in', f.categoryCodes);
    if (f.from) q = q.where('c.created_at', '>=', f.from);
    if (f.to) q = q.where('c.created_at', '<=', f.to);
    if (f.states) q = q.where('c.state', 'in', [...f.states]);
    if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
    return q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(f.limit).execute();
  }

  events(caseId: string, includeInternal: boolean) {
    let q = this.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId);
    if (!includeInternal) q = q.where('visibility', '=', 'public');
    return q.orderBy('at').orderBy('seq').execute();
  }

  // ---- followers ----
  async followers(caseId: string, ex: CaseExecutor = this.db): Promise<string[]> {
    const rows = await ex
      .selectFrom('case_followers')
      .modifyFront(prepared)
      .select('user_id')
      .where('case_id', '=', caseId)
      .execute();
    return rows.map((r) => r.user_id);
  }

  async isFollower(caseId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('case_followers')
      .select('case_id')
      .where('case_id', '=', caseId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return r !== undefined;
  }

  // ---- attachments (stored by the attachment service; counted here for resolution evidence) ----
  async countAttachments(
    caseId: string,
    opts: { imagesOnly?: boolean; purpose?: 'report' | 'resolution' | 'other' } = {},
    ex: CaseExecutor = this.db,
  ) {
    let q = ex
      .selectFrom('case_attachments')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('case_id', '=', caseId);
    if (opts.imagesOnly) q = q.where('mime', 'like', 'image/%');
    if (opts.purpose) q = q.where('purpose', '=', opts.purpose);
    return (await q.executeTakeFirstOrThrow()).n;
  }
}

export type CaseDetailRow = InferResult<ReturnType<CasesRepository['detailQuery']>>[number];
export type { CaseRow };
