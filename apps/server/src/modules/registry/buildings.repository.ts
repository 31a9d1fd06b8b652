import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

export class BuildingsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private base(ex: Executor = this.db) {
    return ex
      .selectFrom('buildings as b')
      .innerJoin('org_units as u', 'u.id', 'b.grid_id')
      .selectAll('b')
      .select(['u.code as grid_code', 'u.path as unit_path']);
  }

  /** Building points for the base map: `limit` of them, in code order, so the answer stays bounded. */
  mapPoints(limit: number) {
    return this.db
      .selectFrom('buildings')
      .select(['name', 'lat', 'lng'])
      .orderBy('code')
      .limit(limit)
      .execute();
  }

  findById(id: string) {
    return this.base().where('b.id', '=', id).executeTakeFirst();
  }

  /** A household with the unit path of its building's grid (scope checks). */
  findHousehold(id: string) {
    return this.db
      .selectFrom('households as h')
      .innerJoin('buildings as b', 'b.id', 'h.building_id')
      .innerJoin('org_units as u', 'u.id', 'b.grid_id')
      .select(['h.id', 'h.building_id', 'u.path as unit_path'])
      .where('h.id', '=', id)
      .executeTakeFirst();
  }

  findByCodes(codes: string[], ex: Executor = this.db) {
    if (codes.length === 0) return Promise.resolve([]);
    return this.base(ex).where('b.code', 'in', codes).execute();
  }

  async list(paths: string[], limit: number, offset: number) {
    if (paths.length === 0) return { rows: [], total: 0 };
    const scoped = this.base().where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))));
    const [rows, count] = await Promise.all([
      scoped.orderBy('b.code').limit(limit).offset(offset).execute(),
      this.db
        .selectFrom('buildings as b')
        .innerJoin('org_units as u', 'u.id', 'b.grid_id')
        .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: count.n };
  }

  async insert(
    trx: Transaction<DB>,
    b: {
      code: string;
      name: string;
      address: string;
      grid_id: string;
      lat: number;
      lng: number;
      h3: string;
      floors: number | null;
    },
  ): Promise<string> {
    const r = await trx.insertInto('buildings').values(b).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }

  /** Households of a building with how many registered residents each has. */
  households(buildingId: string) {
    return this.db
      .selectFrom('households as h')
      .leftJoin('residents as r', 'r.household_id', 'h.id')
      .select(['h.id', 'h.building_id', 'h.unit_no', sql<number>`count(r.id)::int`.as('member_count')])
      .where('h.building_id', '=', buildingId)
      .groupBy(['h.id', 'h.building_id', 'h.unit_no'])
      .orderBy('h.unit_no')
      .execute();
  }

  async codeExists(code: string): Promise<boolean> {
    return !!(await this.db.selectFrom('buildings').select('id').where('code', '=', code).executeTakeFirst());
  }
}

export type BuildingWithGrid = NonNullable<Awaited<ReturnType<BuildingsRepository['findById']>>>;
