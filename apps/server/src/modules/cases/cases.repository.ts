import { sql, type ExpressionBuilder, type InferResult, type Kysely, type Transaction } from 'kysely';
import type { Grant } from '../../platform/auth/actor.js';
import { Cache } from '../../platform/cache/cache.js';
import { prepared, withParameters } from '../../platform/db/prepared-statements.js';
import type { OrgUnitRow } from '../orgs/orgs.service.js';
import type { CaseDB, CaseExecutor, CaseRow, CasesTable, CaseUpdate, CategoryRow } from './cases.tables.js';

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

export interface CaseListFilter {
  /** case.read grants of a staff member; each one reaches its subtree (department staff: their department). */
  grants?: Grant[];
  /** A resident: cases they reported or follow. */
  userId?: string;
  unitPath?: string | undefined;
  states?: string[] | undefined;
  categoryIds?: string[] | undefined;
  channel?: string | undefined;
  supervised?: boolean | undefined;
  overdueAt?: Date | undefined;
  assigneeId?: string | undefined;
  /** The caller's access epoch: scope unit ids are reused while it is current. */
  accessEpoch?: number | null;
  /**
   * Runs once the page's ids are chosen, alongside the read of their details, and is awaited with
   * it: the staff inbox's audit row (ADR 0020) is written while the details are read, not after.
   */
  onPage?: (ids: string[]) => Promise<void>;
  limit: number;
  offset: number;
}

/** A placeholder for compiled lookups; every call passes its own parameters. */
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** Inbox totals stop here; the answer says whether the total is exact. */
export const COUNT_CAP = 10_000;
const COUNT_TTL_MS = 10_000;

type CaseScopeTables = CaseDB & { c: CasesTable };

export type UnitsUnder = (paths: string[], accessEpoch: number | null) => Promise<string[]>;

/** The only SQL of the case center's cases, timeline, followers and attachments. */
export class CasesRepository {
  /** Inbox counts, stamped with this process's writes; other processes' writes show within the TTL. */
  private readonly counts = new Cache<string, number>({ ttlMs: COUNT_TTL_MS, maxEntries: 10_000 });
  /** Staff per unit, stamped with the access epoch (migration 0008). */
  private readonly staff = new Cache<string, { id: string; display_name: string }[]>({
    ttlMs: Infinity,
    maxEntries: 10_000,
  });
  /** Cases this process has written: a cached count older than the last write is not reused. */
  private writes = 0;

  constructor(
    private readonly db: Kysely<CaseDB>,
    /** The units under scope paths: the org tree's, read through its service (OrgsService.unitsUnder). */
    private readonly unitsUnder: UnitsUnder,
    private readonly countCap: number = COUNT_CAP,
  ) {}

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

  /**
   * Inserts a case and returns it as `find` would, without reading it back: at intake everything
   * the detail joins is already at hand (the category, the location and holding units, no
   * supervisor, no assignee, the reporter). The type keeps this in step with `detail`.
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

  async list(f: CaseListFilter): Promise<{ rows: CaseDetailRow[]; total: number; totalExact: boolean }> {
    const none = { rows: [], total: 0, totalExact: true };
    // The filters read only the case row: the page's ids are chosen from `cases` alone (for cases
    // in play, an index-only walk of cases_active_inbox_idx in page order that stops at the page),
    // and the seven-table detail is joined for those rows only.
    let q = this.db.selectFrom('cases as c');
    // Scopes are matched on unit ids, resolved first and passed as values: a path prefix over the
    // joined org_units cannot use an index on cases, ids can (docs/benchmarks.md, bench:cases).
    const within = f.unitPath ? await this.unitsUnder([f.unitPath], f.accessEpoch ?? null) : undefined;
    if (within?.length === 0) return none;
    const inUnits = (eb: ExpressionBuilder<CaseScopeTables, 'c'>, ids: string[]) =>
      eb.or([eb('c.org_unit_id', 'in', ids), eb('c.responsible_unit_id', 'in', ids)]);
    if (f.grants) {
      const grants = f.grants;
      if (grants.length === 0) return none;
      // A unit filter inside a full (not department) grant already implies that grant's reach.
      const implied =
        f.unitPath !== undefined &&
        grants.some((g) => g.role !== 'department_staff' && f.unitPath!.startsWith(g.orgUnitPath));
      if (!implied) {
        const reaches = await Promise.all(
          grants.map(async (g) => ({
            g,
            ids: await this.unitsUnder([g.orgUnitPath], f.accessEpoch ?? null),
          })),
        );
        const live = reaches.filter((r) => r.ids.length > 0);
        if (live.length === 0) return none;
        q = q.where((eb) =>
          eb.or(
            live.map(({ g, ids }) =>
              g.role === 'department_staff'
                ? eb.and([inUnits(eb, ids), eb('c.responsible_department', '=', g.department ?? '')])
                : inUnits(eb, ids),
            ),
          ),
        );
      }
    } else {
      const userId = f.userId ?? '';
      q = q.where((eb) =>
        eb.or([
          eb('c.reporter_id', '=', userId),
          eb.exists(
            eb
              .selectFrom('case_followers as f')
              .select('f.case_id')
              .whereRef('f.case_id', '=', 'c.id')
              .where('f.user_id', '=', userId),
          ),
        ]),
      );
    }
    if (within) q = q.where((eb) => inUnits(eb, within));
    if (f.states) q = q.where('c.state', 'in', f.states);
    if (f.categoryIds) q = q.where('c.category_id', 'in', f.categoryIds);
    if (f.channel) q = q.where('c.channel', '=', f.channel);
    if (f.supervised !== undefined) q = q.where('c.supervised', '=', f.supervised);
    if (f.assigneeId) q = q.where('c.assignee_id', '=', f.assigneeId);
    // due_at is the deadline of the state the case is in (response, then resolution; none when paused).
    if (f.overdueAt) q = q.where('c.due_at', '<', f.overdueAt);
    // Counting a whole district's cases on every page costs more than the page. Counts stop at
    // COUNT_CAP (`totalExact` says whether the total is exact) and are reused for COUNT_TTL_MS or
    // until this process writes a case (other processes' writes show within the TTL). The "overdue"
    // instant is keyed to the minute: counts a few seconds apart are the same answer.
    const countQuery = this.db
      .selectFrom(
        q
          .select(sql<number>`1`.as('x'))
          .limit(this.countCap + 1)
          .as('m'),
      )
      .select(sql<number>`count(*)::int`.as('n'));
    const compiled = countQuery.compile();
    const key = JSON.stringify([
      compiled.sql,
      compiled.parameters.map((v) => (v instanceof Date ? Math.floor(v.getTime() / 60_000) : v)),
    ]);
    const counting = this.counts.load(
      key,
      async () => (await countQuery.executeTakeFirstOrThrow()).n,
      this.writes,
    );
    const page = async () => {
      const ids = (
        await q
          .select('c.id')
          .orderBy('c.created_at', 'desc')
          .orderBy('c.id', 'desc')
          .limit(f.limit)
          .offset(f.offset)
          .execute()
      ).map((r) => r.id);
      const [rows] = await Promise.all([this.findMany(ids), f.onPage?.(ids)]);
      return rows;
    };
    const [rows, n] = await Promise.all([page(), counting]);
    return { rows, total: Math.min(n, this.countCap), totalExact: n <= this.countCap };
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

  // ---- timeline ----
  /** Timeline rows in insertion order (their seq follows the array). */
  async addEvents(
    trx: Transaction<CaseDB>,
    events: {
      case_id: string;
      at: Date;
      actor_id: string | null;
      actor_name: string | null;
      actor_role: string | null;
      action: string;
      from_state: string | null;
      to_state: string | null;
      visibility: 'public' | 'internal';
      note: string | null;
      data: Record<string, unknown>;
    }[],
  ): Promise<void> {
    if (events.length === 0) return;
    await trx
      .insertInto('case_events')
      .values(events.map((e) => ({ ...e, data: JSON.stringify(e.data) })))
      .execute();
  }

  events(caseId: string, includeInternal: boolean) {
    let q = this.db.selectFrom('case_events').selectAll().where('case_id', '=', caseId);
    if (!includeInternal) q = q.where('visibility', '=', 'public');
    return q.orderBy('at').orderBy('seq').execute();
  }

  // ---- followers ----
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

  // ---- the staff directory the case center routes to (read-only over identity's tables) ----
  /** Active staff holding one of `roles` directly on the unit (department staff: of that department). */
  /**
   * Staff holding one of the roles directly on the unit. With the caller's access epoch (grants
   * and users move it, migration 0008) the answer is reused while the epoch stays the same.
   */
  async staffAt(
    unitId: string,
    roles: readonly string[],
    department: string | null,
    ex: CaseExecutor = this.db,
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
  grantsOf(userId: string, ex: CaseExecutor = this.db) {
    return ex
      .selectFrom('role_grants as g')
      .innerJoin('users as usr', 'usr.id', 'g.user_id')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .select(['g.role', 'g.department', 'u.path', 'usr.kind', 'usr.disabled_at', 'usr.display_name'])
      .where('g.user_id', '=', userId)
      .execute();
  }
}

export type CaseDetailRow = InferResult<ReturnType<CasesRepository['detailQuery']>>[number];
export type { CaseRow };
