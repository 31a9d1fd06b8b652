import { openCaseStates } from '@civitas/contracts/cases';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB, OrgUnitRow } from '../../platform/db/schema.js';

/** How the cohort is split; `category` carries each category's group (the chosen node's child). */
export type MetricsGrouping =
  | { kind: 'none' }
  | { kind: 'unit'; parentPath: string }
  | { kind: 'category'; groupOf: Map<string, string> }
  | { kind: 'month' };

export interface MetricsFilter {
  unitPath: string;
  from: Date;
  to: Date;
  asOf: Date;
  /** Restricts the cohort to these categories (a category and its descendants). */
  categoryIds: string[] | null;
  grouping: MetricsGrouping;
}

/** One aggregate row: the whole cohort (`is_total`) or one group of it. Durations in seconds. */
export interface MetricsRow {
  grp: string | null;
  is_total: boolean;
  total: number;
  open: number;
  resolved: number;
  closed: number;
  rejected: number;
  duplicate: number;
  resp_n: number;
  resp_p50: number | null;
  resp_p90: number | null;
  res_n: number;
  res_p50: number | null;
  res_p90: number | null;
  resp_on_time: number;
  resp_late: number;
  res_on_time: number;
  res_late: number;
  ever_resolved: number;
  reopened: number;
  sat_n: number;
  sat_mean: number | null;
  sat_1: number;
  sat_2: number;
  sat_3: number;
  sat_4: number;
  sat_5: number;
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
const openStates = list(openCaseStates);
const terminal = sql`('rejected', 'duplicate')`;
const done = sql`('resolved', 'closed')`;

/**
 * The only SQL of the governance metrics. One statement per request: the cohort (cases submitted
 * in the period, located in the unit's subtree), the timeline events that the figures need, and
 * the aggregates with continuous percentiles, per group and in total (GROUPING SETS), so the
 * totals and the drill-down rows always come from the same rows. Definitions: docs/metrics.md.
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

  async caseMetrics(f: MetricsFilter): Promise<MetricsRow[]> {
    const g = f.grouping;
    // The units of the subtree as a list: the planner estimates `org_unit_id IN (…)` from the
    // column statistics, where a path prefix over a join is a guess that led it to nested loops.
    const units = await this.db
      .selectFrom('org_units')
      .select('id')
      .where('path', 'like', `${f.unitPath}%`)
      .execute();
    let groupJoin: RawBuilder<unknown> = sql``;
    let grp: RawBuilder<unknown> = sql`NULL::text`;
    if (g.kind === 'unit') {
      // The path is the chain of ancestor ids, so the segment after the parent's path names the child.
      grp = sql`split_part(substr(u.path, ${g.parentPath.length + 1}), '/', 1)`;
    } else if (g.kind === 'month') {
      grp = sql`to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM')`;
    } else if (g.kind === 'category') {
      if (g.groupOf.size === 0) return [];
      const pairs = [...g.groupOf].map(([id, group]) => sql`(${id}::uuid, ${group}::text)`);
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

    const r = await sql<MetricsRow>`
      WITH cohort AS (
        SELECT c.id, c.created_at, c.state, c.satisfaction, c.paused_at, ${grp} AS grp,
          cat.response_hours * 3600.0 AS resp_window, cat.resolution_hours * 3600.0 AS res_window
        FROM cases c
        JOIN org_units u ON u.id = c.org_unit_id
        JOIN case_categories cat ON cat.id = c.category_id
        ${groupJoin}
        WHERE c.org_unit_id IN (${sql.join(
          units.map((u) => sql`${u.id}::uuid`),
          sql`, `,
        )})
          AND c.created_at >= ${f.from} AND c.created_at < ${f.to}
          ${categoryFilter}
      ),
      ev AS (
        SELECT e.case_id,
          min(e.at) FILTER (WHERE e.action = 'assign') AS assigned_at,
          max(e.at) FILTER (WHERE e.action = 'resolve') AS resolved_at,
          bool_or(e.action = 'resolve') AS ever_resolved,
          bool_or(e.action = 'dispute') AS reopened
        FROM case_events e
        WHERE e.action IN ('assign', 'resolve', 'dispute') AND e.at >= ${f.from}
          AND e.case_id IN (SELECT id FROM cohort)
        GROUP BY e.case_id
      ),
      -- Each resume carries the length of the pause it ends (the same figure the deadlines moved by).
      -- Nothing can be assigned or resolved while a case is paused, so a pause lies wholly before or
      -- wholly after each of those events.
      paused AS (
        SELECT e.case_id,
          sum((e.data ->> 'pausedMs')::float8) / 1000 AS total_s,
          coalesce(sum((e.data ->> 'pausedMs')::float8) FILTER (WHERE e.at <= ev.assigned_at), 0) / 1000
            AS before_assign_s,
          coalesce(sum((e.data ->> 'pausedMs')::float8) FILTER (WHERE e.at <= ev.resolved_at), 0) / 1000
            AS before_resolve_s
        FROM case_events e
        LEFT JOIN ev ON ev.case_id = e.case_id
        WHERE e.action = 'resume' AND e.at >= ${f.from} AND e.case_id IN (SELECT id FROM cohort)
        GROUP BY e.case_id
      ),
      per AS (
        SELECT k.grp, k.state, k.satisfaction, k.resp_window, k.res_window,
          extract(epoch FROM ev.assigned_at - k.created_at)::float8 - coalesce(p.before_assign_s, 0) AS resp_s,
          CASE WHEN k.state IN ${done}
            THEN extract(epoch FROM ev.resolved_at - k.created_at)::float8 - coalesce(p.before_resolve_s, 0)
          END AS res_s,
          extract(epoch FROM ${f.asOf}::timestamptz - k.created_at)::float8 - coalesce(p.total_s, 0)
            - CASE WHEN k.state = 'pending_info'
                THEN extract(epoch FROM ${f.asOf}::timestamptz - k.paused_at)::float8 ELSE 0 END AS open_s,
          coalesce(ev.ever_resolved, false) AS ever_resolved,
          coalesce(ev.reopened, false) AS reopened
        FROM cohort k
        LEFT JOIN ev ON ev.case_id = k.id
        LEFT JOIN paused p ON p.case_id = k.id
      )
      SELECT ${grouped ? sql`grp, GROUPING(grp) = 1` : sql`NULL::text AS grp, true`} AS is_total,
        count(*)::int AS total,
        count(*) FILTER (WHERE state IN (${openStates}))::int AS open,
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
        count(*) FILTER (WHERE resp_s <= resp_window)::int AS resp_on_time,
        count(*) FILTER (WHERE resp_s > resp_window
          OR (resp_s IS NULL AND state IN (${openStates}) AND open_s > resp_window))::int AS resp_late,
        count(*) FILTER (WHERE res_s <= res_window)::int AS res_on_time,
        count(*) FILTER (WHERE res_s > res_window
          OR (res_s IS NULL AND state NOT IN ${terminal} AND open_s > res_window))::int AS res_late,
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
    return r.rows;
  }
}
