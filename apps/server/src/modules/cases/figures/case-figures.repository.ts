import { openCaseStates } from '@civitas/contracts/cases';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CaseDB } from '../cases.tables.js';
import type { CaseFiguresFilter, CaseFiguresRow } from '../cases.types.js';

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
const openStates = list(openCaseStates);
const terminal = sql`('rejected', 'duplicate')`;
const done = sql`('resolved', 'closed')`;

/**
 * The case figures behind the governance metrics (modules/metrics asks for them through
 * CaseService.figures). One statement per request: the cohort (cases submitted in the period,
 * located in the unit's subtree) with the per-case facts the workflow keeps from the timeline's
 * events, and the aggregates with continuous percentiles, per group and in total (GROUPING SETS),
 * so the totals and the drill-down rows always come from the same rows. Definitions: docs/metrics.md.
 */
export class CaseFiguresRepository {
  constructor(private readonly db: Kysely<CaseDB>) {}

  async figures(f: CaseFiguresFilter): Promise<CaseFiguresRow[]> {
    const g = f.grouping;
    // The units of the subtree as a list: the planner estimates `org_unit_id IN (…)` from the
    // column statistics, where a path prefix over a join is a guess that led it to nested loops.
    const units = await this.db
      .selectFrom('org_units')
      .select(['id', 'path'])
      .where('path', 'like', `${f.unitPath}%`)
      .execute();
    if (units.length === 0) return [];
    // Groups are numbered in SQL (sorting integers for the grouped percentiles is several times
    // cheaper than sorting text) and named again here.
    let groupJoin: RawBuilder<unknown> = sql``;
    let grp: RawBuilder<unknown> = sql`NULL::int`;
    let nameOf = (n: number): string => String(n);
    const numbered = (keys: string[]) => {
      const names = [...new Set(keys)];
      nameOf = (n) => names[n] ?? '';
      return (key: string) => names.indexOf(key);
    };
    if (g.kind === 'unit') {
      // The path is the chain of ancestor ids, so the segment after the parent's path names the
      // child; the parent itself maps to '' (cases placed on it directly).
      const childOf = (path: string) => path.slice(g.parentPath.length).split('/')[0] ?? '';
      const number = numbered(units.map((u) => childOf(u.path)));
      const pairs = units.map((u) => sql`(${u.id}::uuid, ${number(childOf(u.path))}::int)`);
      groupJoin = sql`JOIN (VALUES ${sql.join(pairs, sql`, `)}) AS ug (unit_id, grp) ON ug.unit_id = c.org_unit_id`;
      grp = sql`ug.grp`;
    } else if (g.kind === 'month') {
      grp = sql`(date_part('year', c.created_at AT TIME ZONE 'UTC') * 100
        + date_part('month', c.created_at AT TIME ZONE 'UTC'))::int`;
      nameOf = (n) => `${Math.floor(n / 100)}-${String(n % 100).padStart(2, '0')}`;
    } else if (g.kind === 'category') {
      if (g.groupOf.size === 0) return [];
      const number = numbered([...g.groupOf.values()]);
      const pairs = [...g.groupOf].map(([id, group]) => sql`(${id}::uuid, ${number(group)}::int)`);
      groupJoin = sql`JOIN (VALUES ${sql.join(pairs, sql`, `)}) AS cg (category_id, grp) ON cg.category_id = c.category_id`;
      grp = sql`cg.grp`;
    }
    const categoryFilter =
      f.categoryIds && g.kind !== 'category'
        ? sql`AND c.category_id IN (${sql.join(
            f.categoryIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`
        : sql``;
    const grouped = g.kind !== 'none';

    // Per case, from the facts the workflow keeps on the row (migration 0013): the first
    // assignment and the pauses before it; the standing resolution and every pause (none can
    // follow a resolution); the pause still running at asOf. Every column read here is in
    // cases_unit_idx, so the cohort is an index-only scan. Arithmetic stays in float8 (date_part,
    // not extract, which yields numeric since PostgreSQL 14 and made the aggregate 10× slower).
    const asOf = sql`${f.asOf}::timestamptz`;
    const r = await sql<Omit<CaseFiguresRow, 'grp'> & { grp: number | null }>`
      WITH per AS (
        SELECT grp, state, satisfaction, resp_s, res_s, ever_resolved, reopened,
          state IN (${openStates}) AS is_open,
          resp_s <= resp_window AS resp_on_time,
          resp_s > resp_window OR (resp_s IS NULL AND state IN (${openStates}) AND open_s > resp_window)
            AS resp_late,
          res_s <= res_window AS res_on_time,
          res_s > res_window OR (res_s IS NULL AND state NOT IN ${terminal} AND open_s > res_window)
            AS res_late
        FROM (
          SELECT ${grp} AS grp, c.state, c.satisfaction,
            cat.response_hours * 3600 AS resp_window, cat.resolution_hours * 3600 AS res_window,
            date_part('epoch', c.responded_at - c.created_at) - c.response_paused_ms::float8 / 1000 AS resp_s,
            CASE WHEN c.state IN ${done}
              THEN date_part('epoch', c.resolved_at - c.created_at) - c.paused_ms::float8 / 1000
            END AS res_s,
            date_part('epoch', ${asOf} - c.created_at) - c.paused_ms::float8 / 1000
              - CASE WHEN c.state = 'pending_info'
                  THEN date_part('epoch', ${asOf} - c.paused_at) ELSE 0 END AS open_s,
            c.resolve_count > 0 AS ever_resolved,
            c.reopen_count > 0 AS reopened
          FROM cases c
          JOIN case_categories cat ON cat.id = c.category_id
          ${groupJoin}
          WHERE c.org_unit_id IN (${sql.join(
            units.map((u) => sql`${u.id}::uuid`),
            sql`, `,
          )})
            AND c.created_at >= ${f.from} AND c.created_at < ${f.to}
            ${categoryFilter}
          -- A fence: each case's figures are computed once, not once per aggregate that reads them.
          OFFSET 0
        ) k
        OFFSET 0
      )
      SELECT ${grouped ? sql`grp, GROUPING(grp) = 1` : sql`NULL::int AS grp, true`} AS is_total,
        count(*)::int AS total,
        count(*) FILTER (WHERE is_open)::int AS open,
        count(*) FILTER (WHERE state = 'resolved')::int AS resolved,
        count(*) FILTER (WHERE state = 'closed')::int AS closed,
        count(*) FILTER (WHERE state = 'rejected')::int AS rejected,
        count(*) FILTER (WHERE state = 'duplicate')::int AS duplicate,
        count(resp_s)::int AS resp_n,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY resp_s) AS resp_p50,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY resp_s) AS resp_p90,
        count(res_s)::int AS res_n,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY res_s) AS res_p50,
        percentile_cont(0.9) WITHIN GROUP (ORDER BY res_s) AS res_p90,
        count(*) FILTER (WHERE resp_on_time)::int AS resp_on_time,
        count(*) FILTER (WHERE resp_late)::int AS resp_late,
        count(*) FILTER (WHERE res_on_time)::int AS res_on_time,
        count(*) FILTER (WHERE res_late)::int AS res_late,
        count(*) FILTER (WHERE ever_resolved)::int AS ever_resolved,
        count(*) FILTER (WHERE reopened)::int AS reopened,
        count(satisfaction)::int AS sat_n,
        avg(satisfaction)::float8 AS sat_mean,
        count(*) FILTER (WHERE satisfaction = 1)::int AS sat_1,
        count(*) FILTER (WHERE satisfaction = 2)::int AS sat_2,
        count(*) FILTER (WHERE satisfaction = 3)::int AS sat_3,
        count(*) FILTER (WHERE satisfaction = 4)::int AS sat_4,
        count(*) FILTER (WHERE satisfaction = 5)::int AS sat_5
      FROM per
      ${grouped ? sql`GROUP BY GROUPING SETS ((grp), ())` : sql``}
    `.execute(this.db);
    return r.rows.map((row) => ({ ...row, grp: row.grp === null ? null : nameOf(row.grp) }));
  }
}
