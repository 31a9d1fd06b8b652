import { openCaseStates } from '@civitas/contracts/cases';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

/** Where a section may look: unit subtrees, each optionally narrowed to one department's cases. */
export interface Reach {
  path: string;
  department: string | null;
}

const values = (xs: readonly string[]) =>
  sql.join(
    xs.map((x) => sql`${x}`),
    sql`, `,
  );
const openStates = values(openCaseStates);
const uuids = (ids: readonly string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

export interface CaseCountRow {
  state: string;
  n: number;
  overdue: number;
  due_soon: number;
  mine: number;
  mine_overdue: number;
  mine_due_soon: number;
}

/**
 * The home's counts: plain aggregates over the case, resident and device rows of the caller's
 * units (reads declared in home.module.ts, ADR 0047). Each count is the one the owner's list
 * endpoint answers for the matching filter, so a figure on a home and the list it opens agree:
 * cases are in reach as the inbox has them (located in or handled by a unit of the reach),
 * residents by their unit, devices by their unit's path.
 */
export class HomeRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** The ids of the units under each reach, resolved once and passed as values (as the inbox does). */
  private async unitIds(reaches: Reach[]): Promise<{ reach: Reach; ids: string[] }[]> {
    return Promise.all(
      reaches.map(async (reach) => ({
        reach,
        ids: (
          await this.db.selectFrom('org_units').select('id').where('path', 'like', `${reach.path}%`).execute()
        ).map((u) => u.id),
      })),
    );
  }

  private async caseScope(reaches: Reach[]): Promise<RawBuilder<unknown> | null> {
    const live = (await this.unitIds(reaches)).filter((r) => r.ids.length > 0);
    if (live.length === 0) return null;
    const parts = live.map(({ reach, ids }) => {
      const inUnits = sql`(c.org_unit_id IN (${uuids(ids)}) OR c.responsible_unit_id IN (${uuids(ids)}))`;
      return reach.department === null
        ? inUnits
        : sql`(${inUnits} AND c.responsible_department = ${reach.department})`;
    });
    return sql`(${sql.join(parts, sql` OR `)})`;
  }

  async caseCounts(reaches: Reach[], now: Date, soon: Date, userId: string): Promise<CaseCountRow[]> {
    const scope = await this.caseScope(reaches);
    if (!scope) return [];
    const n = sql`${now}::timestamptz`;
    const s = sql`${soon}::timestamptz`;
    const me = sql`c.assignee_id = ${userId}::uuid`;
    const r = await sql<CaseCountRow>`
      SELECT c.state,
        count(*)::int AS n,
        count(*) FILTER (WHERE c.due_at < ${n})::int AS overdue,
        count(*) FILTER (WHERE c.due_at >= ${n} AND c.due_at < ${s})::int AS due_soon,
        count(*) FILTER (WHERE ${me})::int AS mine,
        count(*) FILTER (WHERE ${me} AND c.due_at < ${n})::int AS mine_overdue,
        count(*) FILTER (WHERE ${me} AND c.due_at >= ${n} AND c.due_at < ${s})::int AS mine_due_soon
      FROM cases AS c
      WHERE ${scope}
      GROUP BY c.state`.execute(this.db);
    return r.rows;
  }

  /**
   * Open and overdue cases per group of units, a case counting for each group it is located in or
   * handled by: the count the inbox shows when the group's unit is chosen as its filter.
   */
  async caseCountsByGroup(
    reaches: Reach[],
    groups: { key: string; path: string }[],
    now: Date,
  ): Promise<Map<string, { open: number; overdue: number }>> {
    const out = new Map<string, { open: number; overdue: number }>();
    const scope = await this.caseScope(reaches);
    const members = (await this.unitIds(groups.map((g) => ({ path: g.path, department: null })))).flatMap(
      (r, i) => r.ids.map((id) => sql`(${id}::uuid, ${i}::int)`),
    );
    if (!scope || members.length === 0) return out;
    const r = await sql<{ grp: number; open: number; overdue: number }>`
      SELECT g.grp,
        count(DISTINCT c.id) FILTER (WHERE c.state IN (${openStates}))::int AS open,
        count(DISTINCT c.id) FILTER (WHERE c.due_at < ${now}::timestamptz)::int AS overdue
      FROM cases AS c
      JOIN (VALUES ${sql.join(members, sql`, `)}) AS g (unit_id, grp)
        ON g.unit_id = c.org_unit_id OR g.unit_id = c.responsible_unit_id
      WHERE ${scope}
      GROUP BY g.grp`.execute(this.db);
    for (const row of r.rows) {
      const key = groups[row.grp]?.key;
      if (key) out.set(key, { open: row.open, overdue: row.overdue });
    }
    return out;
  }

  /** Cases reported and resolved per UTC day since `from`, located in the subtree of `path`. */
  async dailyTrend(path: string, from: Date): Promise<{ day: string; reported: number; resolved: number }[]> {
    const [unit] = await this.unitIds([{ path, department: null }]);
    if (!unit || unit.ids.length === 0) return [];
    const f = sql`${from}::timestamptz`;
    const day = (col: RawBuilder<unknown>) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
    const r = await sql<{ day: string; reported: number; resolved: number }>`
      SELECT d.day, sum(d.reported)::int AS reported, sum(d.resolved)::int AS resolved
      FROM (
        SELECT ${day(sql`c.created_at`)} AS day, 1 AS reported, 0 AS resolved
        FROM cases AS c WHERE c.org_unit_id IN (${uuids(unit.ids)}) AND c.created_at >= ${f}
        UNION ALL
        SELECT ${day(sql`c.resolved_at`)} AS day, 0, 1
        FROM cases AS c WHERE c.org_unit_id IN (${uuids(unit.ids)}) AND c.resolved_at >= ${f}
      ) AS d
      GROUP BY d.day`.execute(this.db);
    return r.rows;
  }

  async residentCounts(paths: string[]) {
    const units = (await this.unitIds(paths.map((path) => ({ path, department: null })))).flatMap(
      (r) => r.ids,
    );
    if (units.length === 0) return { total: 0, elderlyLivingAlone: 0, needsAssistance: 0, disability: 0 };
    return this.db
      .selectFrom('residents')
      .where('org_unit_id', 'in', units)
      .select([
        sql<number>`count(*)::int`.as('total'),
        sql<number>`count(*) FILTER (WHERE elderly_living_alone)::int`.as('elderlyLivingAlone'),
        sql<number>`count(*) FILTER (WHERE needs_assistance)::int`.as('needsAssistance'),
        sql<number>`count(*) FILTER (WHERE disability)::int`.as('disability'),
      ])
      .executeTakeFirstOrThrow();
  }

  async deviceCounts(paths: string[]) {
    const empty = { total: 0, active: 0, inactive: 0, never: 0, maintenance: 0 };
    if (paths.length === 0) return empty;
    return this.db
      .selectFrom('devices as d')
      .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
      .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))))
      .select([
        sql<number>`count(*)::int`.as('total'),
        sql<number>`count(*) FILTER (WHERE d.connectivity = 'active')::int`.as('active'),
        sql<number>`count(*) FILTER (WHERE d.connectivity = 'inactive')::int`.as('inactive'),
        sql<number>`count(*) FILTER (WHERE d.connectivity = 'never')::int`.as('never'),
        sql<number>`count(*) FILTER (WHERE d.status = 'maintenance')::int`.as('maintenance'),
      ])
      .executeTakeFirstOrThrow();
  }
}
