import { sql, type Kysely, type Transaction } from 'kysely';
import type { CaseDB, CaseExecutor } from '../cases.tables.js';
import type { CategoryRow } from '../cases.types.js';
import { prepared } from '../../../platform/db/prepared-statements.js';

export type CategoryWrite = Omit<
  CategoryRow,
  'id' | 'version' | 'created_at' | 'updated_at' | 'attributes'
> & {
  attributes: unknown[];
};
export type RuleWrite = {
  category_id: string | null;
  org_unit_id: string;
  target_unit_id: string | null;
  target_department: string | null;
  target_role: string;
  priority: number;
  note: string;
};

/** Categories and routing rules: the configuration the case center routes with. */
export class CaseConfigRepository {
  constructor(private readonly db: Kysely<CaseDB>) {}

  categories(ex: CaseExecutor = this.db) {
    return ex
      .selectFrom('case_categories')
      .modifyFront(prepared)
      .selectAll()
      .orderBy('sort')
      .orderBy('code')
      .execute();
  }

  categoryById(id: string, ex: CaseExecutor = this.db) {
    return ex.selectFrom('case_categories').selectAll().where('id', '=', id).executeTakeFirst();
  }

  categoryByCode(code: string) {
    return this.db
      .selectFrom('case_categories')
      .modifyFront(prepared)
      .selectAll()
      .where('code', '=', code)
      .executeTakeFirst();
  }

  async insertCategory(trx: Transaction<CaseDB>, c: CategoryWrite): Promise<CategoryRow> {
    return trx
      .insertInto('case_categories')
      .values({ ...c, attributes: JSON.stringify(c.attributes) })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async updateCategory(trx: Transaction<CaseDB>, id: string, version: number, patch: Partial<CategoryWrite>) {
    const { attributes, ...rest } = patch;
    return trx
      .updateTable('case_categories')
      .set({
        ...rest,
        ...(attributes !== undefined ? { attributes: JSON.stringify(attributes) } : {}),
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst();
  }

  private rulesBase(ex: CaseExecutor = this.db) {
    return ex
      .selectFrom('routing_rules as r')
      .innerJoin('org_units as u', 'u.id', 'r.org_unit_id')
      .leftJoin('org_units as t', 't.id', 'r.target_unit_id')
      .leftJoin('case_categories as c', 'c.id', 'r.category_id')
      .selectAll('r')
      .select([
        'u.code as unit_code',
        'u.path as unit_path',
        'u.depth as unit_depth',
        't.code as target_code',
        't.path as target_path',
        'c.code as category_code',
      ]);
  }

  rule(id: string, ex: CaseExecutor = this.db) {
    return this.rulesBase(ex).where('r.id', '=', id).executeTakeFirst();
  }

  rulesUnder(paths: string[]) {
    if (paths.length === 0) return Promise.resolve([]);
    return this.rulesBase()
      .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))))
      .orderBy('u.path')
      .orderBy('r.priority', 'desc')
      .execute();
  }

  /** Rules whose unit contains the case location (a prefix of its path) for one of the categories or any. */
  /** Every routing rule with its units, for the routing decision (cached by the service). */
  allRules() {
    return this.rulesBase().modifyFront(prepared).execute();
  }

  async insertRule(trx: Transaction<CaseDB>, r: RuleWrite & { created_by: string }): Promise<string> {
    const row = await trx.insertInto('routing_rules').values(r).returning('id').executeTakeFirstOrThrow();
    return row.id;
  }

  updateRule(trx: Transaction<CaseDB>, id: string, version: number, patch: Partial<RuleWrite>) {
    return trx
      .updateTable('routing_rules')
      .set({ ...patch, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('id')
      .executeTakeFirst();
  }

  async deleteRule(trx: Transaction<CaseDB>, id: string): Promise<void> {
    await trx.deleteFrom('routing_rules').where('id', '=', id).execute();
  }
}

export type RuleWithUnits = NonNullable<Awaited<ReturnType<CaseConfigRepository['rule']>>>;
