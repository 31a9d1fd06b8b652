import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Grant } from '../../../platform/auth/actor.js';
import { Cache } from '../../../platform/cache/cache.js';
import type { CaseDetailRow, CasesRepository } from '../cases.repository.js';
import type { CaseDB, CasesTable } from '../cases.tables.js';
import type { CaseWritesRepository } from '../workflow/case-writes.repository.js';

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

/** Inbox totals stop here; the answer says whether the total is exact. */
export const COUNT_CAP = 10_000;
const COUNT_TTL_MS = 10_000;

type CaseScopeTables = CaseDB & { c: CasesTable };

export type UnitsUnder = (paths: string[], accessEpoch: number | null) => Promise<string[]>;

/** The inbox: a filtered page of cases and its capped, briefly cached total. */
export class CaseInboxRepository {
  /** Inbox counts, stamped with this process's writes; other processes' writes show within the TTL. */
  private readonly counts = new Cache<string, number>({ ttlMs: COUNT_TTL_MS, maxEntries: 10_000 });

  constructor(
    private readonly db: Kysely<CaseDB>,
    /** The page's details are read as a case page reads them. */
    private readonly cases: Pick<CasesRepository, 'findMany'>,
    /** This process's case writes: a count older than the last one is not reused. */
    private readonly writes: Pick<CaseWritesRepository, 'written'>,
    /** The units under scope paths: the org tree's, read through its service (OrgsService.unitsUnder). */
    private readonly unitsUnder: UnitsUnder,
    private readonly countCap: number = COUNT_CAP,
  ) {}

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
      this.writes.written,
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
      const [rows] = await Promise.all([this.cases.findMany(ids), f.onPage?.(ids)]);
      return rows;
    };
    const [rows, n] = await Promise.all([page(), counting]);
    return { rows, total: Math.min(n, this.countCap), totalExact: n <= this.countCap };
  }
}
