import type { OrgUnitType } from '@civitas/contracts/orgs';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';
import type { OrgUnitRow } from './orgs.tables.js';
import { prepared } from '../../platform/db/prepared-statements.js';

type Executor = Kysely<DB> | Transaction<DB>;

export interface OrgListFilter {
  paths: string[];
  type?: OrgUnitType | undefined;
  parentId?: string | undefined;
  q?: string | undefined;
  status: 'active' | 'retired' | 'all';
  limit: number;
  offset: number;
}

const underAny = (paths: string[]) =>
  sql<boolean>`(${sql.join(
    paths.map((p) => sql`path LIKE ${`${p}%`}`),
    sql` OR `,
  )})`;

export class OrgsRepository {
  constructor(readonly db: Kysely<DB>) {}

  /** Ids of the units under any of `paths` (prefix match on the path index). */
  async idsUnder(paths: string[]): Promise<string[]> {
    if (paths.length === 0) return [];
    const rows = await this.db
      .selectFrom('org_units')
      .select('id')
      .where((eb) => eb.or(paths.map((p) => eb('path', 'like', `${p}%`))))
      .execute();
    return rows.map((u) => u.id);
  }

  findById(id: string, ex: Executor = this.db): Promise<OrgUnitRow | undefined> {
    return ex.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findByCode(code: string, ex: Executor = this.db): Promise<OrgUnitRow | undefined> {
    return ex.selectFrom('org_units').selectAll().where('code', '=', code).executeTakeFirst();
  }

  findManyByIds(ids: string[], ex: Executor = this.db): Promise<OrgUnitRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return ex.selectFrom('org_units').selectAll().where('id', 'in', ids).execute();
  }

  /**
   * Holds a unit's row until the transaction ends, so boundary checks against its children and
   * their writes happen one after the other (two siblings created at once cannot both pass).
   */
  async lock(trx: Transaction<DB>, id: string): Promise<void> {
    await trx.selectFrom('org_units').select('id').where('id', '=', id).forUpdate().execute();
  }

  /**
   * The active units directly under `parentId` (the top-level units for null) that have a
   * boundary; a retired unit's boundary is history and holds no area (ADR 0043).
   */
  boundedChildren(parentId: string | null, ex: Executor = this.db): Promise<OrgUnitRow[]> {
    const q = ex
      .selectFrom('org_units')
      .selectAll()
      .where('boundary', 'is not', null)
      .where('status', '=', 'active');
    return (parentId === null ? q.where('parent_id', 'is', null) : q.where('parent_id', '=', parentId))
      .orderBy('code')
      .execute();
  }

  async list(f: OrgListFilter): Promise<{ rows: OrgUnitRow[]; total: number }> {
    if (f.paths.length === 0) return { rows: [], total: 0 };
    let q = this.db.selectFrom('org_units').where(underAny(f.paths));
    if (f.status !== 'all') q = q.where('status', '=', f.status);
    if (f.type) q = q.where('type', '=', f.type);
    if (f.parentId) q = q.where('parent_id', '=', f.parentId);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([eb('name_zh', 'like', like), eb('name_en', 'ilike', like), eb('code', 'ilike', like)]),
      );
    }
    const [rows, count] = await Promise.all([
      q.selectAll().orderBy('path').limit(f.limit).offset(f.offset).execute(),
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: count.n };
  }

  /** The boundaries of the top-level units (the district or districts this installation covers). */
  roots(): Promise<{ code: string; type: string }[]> {
    return this.db.selectFrom('org_units').select(['code', 'type']).where('parent_id', 'is', null).execute();
  }

  /** Every live unit with a boundary, for drawing the district without a tile server. */
  outlines() {
    return this.db
      .selectFrom('org_units')
      .select(['id', 'type', 'depth', 'name_zh', 'name_en', 'boundary'])
      .where('status', '<>', 'retired')
      .where('boundary', 'is not', null)
      .orderBy('depth')
      .execute();
  }

  rootBoundaries(): Promise<{ boundary: unknown }[]> {
    return this.db
      .selectFrom('org_units')
      .select('boundary')
      .where('parent_id', 'is', null)
      .where('boundary', 'is not', null)
      .execute();
  }

  subtree(path: string, ex: Executor = this.db): Promise<OrgUnitRow[]> {
    return ex.selectFrom('org_units').selectAll().where('path', 'like', `${path}%`).orderBy('path').execute();
  }

  async insert(
    trx: Transaction<DB>,
    row: Omit<
      OrgUnitRow,
      'version' | 'created_at' | 'updated_at' | 'status' | 'retired_at' | 'merged_into_id'
    >,
  ): Promise<OrgUnitRow> {
    return trx
      .insertInto('org_units')
      .values({ ...row, boundary: row.boundary === null ? null : JSON.stringify(row.boundary) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Updates when the version still matches; undefined means someone else changed it first. */
  async update(
    trx: Transaction<DB>,
    id: string,
    version: number,
    patch: { name_zh?: string; name_en?: string; boundary?: unknown },
  ): Promise<OrgUnitRow | undefined> {
    const { boundary, ...rest } = patch;
    return trx
      .updateTable('org_units')
      .set({
        ...rest,
        ...(boundary !== undefined ? { boundary: boundary === null ? null : JSON.stringify(boundary) } : {}),
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
  }

  /** Re-roots a subtree: rewrites every descendant's path prefix and depth in one statement. */
  async move(trx: Transaction<DB>, unit: OrgUnitRow, parent: OrgUnitRow): Promise<void> {
    const newPath = `${parent.path}${unit.id}/`;
    const depthShift = parent.depth + 1 - unit.depth;
    await trx
      .updateTable('org_units')
      .set({
        path: sql`${newPath} || substr(path, ${unit.path.length + 1})`,
        depth: sql`depth + ${depthShift}`,
        updated_at: new Date(),
      })
      .where('path', 'like', `${unit.path}%`)
      .execute();
    await trx
      .updateTable('org_units')
      .set({ parent_id: parent.id, version: sql`version + 1` })
      .where('id', '=', unit.id)
      .execute();
  }

  async replaceCells(trx: Transaction<DB>, unitId: string, cells: string[]): Promise<void> {
    await trx.deleteFrom('org_unit_cells').where('unit_id', '=', unitId).execute();
    for (let i = 0; i < cells.length; i += 1000) {
      await trx
        .insertInto('org_unit_cells')
        .values(cells.slice(i, i + 1000).map((h3) => ({ h3, unit_id: unitId })))
        .execute();
    }
  }

  unitsInCell(h3: string): Promise<OrgUnitRow[]> {
    return this.db
      .selectFrom('org_units as u')
      .innerJoin('org_unit_cells as c', 'c.unit_id', 'u.id')
      .modifyFront(prepared)
      .selectAll('u')
      .where('c.h3', '=', h3)
      .where('u.status', '=', 'active')
      .orderBy('u.depth')
      .execute();
  }

  /** Active units directly below (retired ones stay where they were, as history). */
  async countChildren(id: string, ex: Executor = this.db): Promise<number> {
    const r = await ex
      .selectFrom('org_units')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('parent_id', '=', id)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return r.n;
  }

  children(id: string, ex: Executor = this.db): Promise<OrgUnitRow[]> {
    return ex.selectFrom('org_units').selectAll().where('parent_id', '=', id).orderBy('code').execute();
  }

  /** Retires the unit if its version still matches; undefined means someone else changed it first. */
  retire(
    trx: Transaction<DB>,
    id: string,
    version: number,
    mergedIntoId: string | null,
  ): Promise<OrgUnitRow | undefined> {
    return trx
      .updateTable('org_units')
      .set({
        status: 'retired',
        retired_at: new Date(),
        merged_into_id: mergedIntoId,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('version', '=', version)
      .where('status', '=', 'active')
      .returningAll()
      .executeTakeFirst();
  }
}
