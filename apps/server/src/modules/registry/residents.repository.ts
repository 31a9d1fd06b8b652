import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { Cache } from '../../platform/cache/cache.js';
import { PREPARED_MARK, prepared, withParameters } from '../../platform/db/prepared-statements.js';
import type { DB } from '../../platform/db/schema.js';
import type { NewResident } from './registry.tables.js';

type Executor = Kysely<DB> | Transaction<DB>;

export const COUNT_CAP = 10_000;
const COUNT_TTL_MS = 10_000;

export interface ResidentFilter {
  /** The org units in scope, from `OrgsService.unitsUnder`. */
  units: string[];
  flag?: 'elderlyLivingAlone' | 'disability' | 'child' | 'needsAssistance' | undefined;
  buildingId?: string | undefined;
  householdId?: string | undefined;
  limit: number;
  offset: number;
}

const flagColumn = {
  elderlyLivingAlone: 'r.elderly_living_alone',
  disability: 'r.disability',
  child: 'r.child',
  needsAssistance: 'r.needs_assistance',
} as const;

export class ResidentsRepository {
  private readonly counts = new Cache<string, number>({
    ttlMs: Infinity,
    lagMs: COUNT_TTL_MS,
    maxEntries: 10_000,
  });
  // Units under a set of paths, tagged with the access epoch they were read under. Every change
  // to org_units moves the epoch (migration 0008), so an entry is only used while the tree is
  // exactly as it was; the caller's epoch was read after its request arrived.

  private readonly columns = [
    'r.id',
    'r.org_unit_id',
    'r.building_id',
    'r.household_id',
    'r.name_mask',
    'r.phone_mask',
    'r.id_number_mask',
    'r.birth_date',
    'r.gender',
    'r.elderly_living_alone',
    'r.disability',
    'r.child',
    'r.needs_assistance',
    'r.version',
    'r.created_at',
    'r.updated_at',
    'u.code as grid_code',
    'u.path as unit_path',
    'b.name as building_name',
  ] as const;

  // The detail lookup runs on every resident view: built and compiled once, prepared on the
  // server (its plan is the primary key whatever the id); each call only swaps the parameter.
  private readonly byId;

  constructor(private readonly db: Kysely<DB>) {
    this.byId = this.base()
      .modifyFront(prepared)
      .select(this.columns)
      .where('r.id', '=', '00000000-0000-0000-0000-000000000000')
      .compile();
  }

  private base(ex: Executor = this.db) {
    return ex
      .selectFrom('residents as r')
      .innerJoin('org_units as u', 'u.id', 'r.org_unit_id')
      .leftJoin('buildings as b', 'b.id', 'r.building_id');
  }

  private filtered(f: ResidentFilter) {
    // The unit ids are fetched first and passed as values: the planner then estimates the share
    // of residents from the org_unit_id statistics (a subquery on a tiny, rarely analysed
    // org_units table misleads it into reading and sorting every resident in scope).
    let q = this.base().where('r.org_unit_id', 'in', f.units);
    if (f.flag) q = q.where(flagColumn[f.flag], '=', true);
    if (f.buildingId) q = q.where('r.building_id', '=', f.buildingId);
    if (f.householdId) q = q.where('r.household_id', '=', f.householdId);
    return q;
  }

  /** One page, newest first; the residents scan uses (org_unit_id, created_at, id) or the created-at index. */
  async page(f: ResidentFilter) {
    if (f.units.length === 0) return [];
    return this.filtered(f)
      .select(this.columns)
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(f.limit)
      .offset(f.offset)
      .execute();
  }

  /**
   * Counting a whole district on every page costs more than the page itself. Counts stop at
   * COUNT_CAP (`totalExact` says whether the total is exact: "10,000+" in the UI), and a count is
   * reused while the registry epoch is unchanged, or for COUNT_TTL_MS while residents are being
   * written elsewhere: paging through a list does not recount it for every page. Returns the
   * uncapped count up to COUNT_CAP + 1.
   */
  async count(f: ResidentFilter, epoch: number): Promise<number> {
    if (f.units.length === 0) return 0;
    const key = JSON.stringify([f.units, f.flag, f.buildingId, f.householdId]);
    return this.counts.load(
      key,
      async () =>
        (
          await this.db
            .selectFrom(
              this.filtered(f)
                .select(sql<number>`1`.as('x'))
                .limit(COUNT_CAP + 1)
                .as('c'),
            )
            .select(sql<number>`count(*)::int`.as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      epoch,
    );
  }

  private readonly epochQuery = CompiledQuery.raw(
    `SELECT ${PREPARED_MARK} n FROM registry_epoch WHERE id = 1`,
  );

  /** The registry epoch (migration 0014); see ResidentPageCache. */
  async readEpoch(): Promise<number> {
    const r = await this.db.executeQuery<{ n: number | string }>(this.epochQuery);
    const row = r.rows[0];
    if (!row) throw new Error('registry_epoch has no row; migration 0014 missing');
    return Number(row.n);
  }

  async findById(id: string, ex: Executor = this.db) {
    const r = await ex.executeQuery(withParameters(this.byId, [id]));
    return r.rows[0];
  }

  /** The ciphertext of one field plus the unit path needed to authorize revealing it. */
  findSealed(id: string) {
    return this.base()
      .modifyFront(prepared)
      .select([
        'r.id',
        'r.org_unit_id',
        'u.path as unit_path',
        'r.name_enc',
        'r.phone_enc',
        'r.id_number_enc',
        'r.birth_date',
      ])
      .where('r.id', '=', id)
      .executeTakeFirst();
  }

  /**
   * Residents of `units` whose phone or ID number has one of these blind indexes (one per key of
   * the keyring, ADR 0042), newest first.
   */
  findByIdentifier(field: 'phone' | 'idNumber', hashes: string[], units: string[], limit: number) {
    if (units.length === 0) return Promise.resolve([]);
    return this.base()
      .select(this.columns)
      .where(field === 'phone' ? 'r.phone_hash' : 'r.id_number_hash', 'in', hashes)
      .where('r.org_unit_id', 'in', units)
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(limit)
      .execute();
  }

  /**
   * Residents of `units` one of whose name forms has one of these digests (ADR 0045): `&&` on the
   * GIN index, an exact match of whole tokens. Newest first.
   */
  findByName(hashes: string[], units: string[], limit: number) {
    if (units.length === 0 || hashes.length === 0) return Promise.resolve([]);
    return this.base()
      .select(this.columns)
      .where(sql<boolean>`r.name_index && ARRAY[${sql.join(hashes)}]::text[]`)
      .where('r.org_unit_id', 'in', units)
      .orderBy('r.created_at', 'desc')
      .orderBy('r.id', 'desc')
      .limit(limit)
      .execute();
  }

  /** The next residents whose name is not indexed yet, with their sealed name (the backfill). */
  namesToIndex(trx: Transaction<DB>, limit: number) {
    return trx
      .selectFrom('residents')
      .select(['id', 'name_enc'])
      .where('name_index', 'is', null)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
  }

  /** Stores a name index; only where none is stored, so a rename committed meanwhile wins. */
  async setNameIndex(trx: Transaction<DB>, id: string, index: string[]): Promise<void> {
    await trx
      .updateTable('residents')
      .set({ name_index: index })
      .where('id', '=', id)
      .where('name_index', 'is', null)
      .execute();
  }

  /**
   * Which of these ID number indexes are held by a resident of `units`, and by whom. Only the
   * caller's own area is asked: a holder elsewhere must not change the answer (ADR 0021).
   */
  async idNumberHolders(hashes: string[], units: string[]): Promise<Map<string, string>> {
    if (hashes.length === 0 || units.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('residents')
      .select(['id', 'id_number_hash'])
      .where('id_number_hash', 'in', hashes)
      .where('org_unit_id', 'in', units)
      .orderBy('created_at')
      .execute();
    const out = new Map<string, string>();
    for (const r of rows) if (!out.has(r.id_number_hash!)) out.set(r.id_number_hash!, r.id);
    return out;
  }

  /**
   * ID numbers registered more than once where every holder lies in `units`: a group with any
   * member outside would tell the caller about a record they cannot see.
   */
  async duplicateGroups(units: string[], limit: number, offset: number) {
    if (units.length === 0) return [];
    const hashes = await this.db
      .selectFrom('residents')
      .select('id_number_hash')
      .where('id_number_hash', 'is not', null)
      .where(
        'id_number_hash',
        'in',
        this.db
          .selectFrom('residents')
          .select('id_number_hash')
          .where('org_unit_id', 'in', units)
          .where('id_number_hash', 'is not', null),
      )
      .groupBy('id_number_hash')
      .having(sql<boolean>`count(*) > 1`)
      .having(sql<boolean>`bool_and(org_unit_id IN (${sql.join(units)}))`)
      .orderBy('id_number_hash')
      .limit(limit)
      .offset(offset)
      .execute();
    if (hashes.length === 0) return [];
    return this.base()
      .select([...this.columns, 'r.id_number_hash'])
      .where(
        'r.id_number_hash',
        'in',
        hashes.map((h) => h.id_number_hash!),
      )
      .orderBy('r.id_number_hash')
      .orderBy('r.created_at')
      .execute();
  }

  async insertMany(trx: Transaction<DB>, rows: NewResident[]): Promise<string[]> {
    if (rows.length === 0) return [];
    const out = await trx.insertInto('residents').values(rows).returning('id').execute();
    this.counts.clear();
    return out.map((r) => r.id);
  }

  async update(trx: Transaction<DB>, id: string, version: number, patch: Partial<NewResident>) {
    this.counts.clear();
    return trx
      .updateTable('residents')
      .set({ ...patch, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('id')
      .executeTakeFirst();
  }

  /** Finds or creates the household for (building, unit number). */
  async householdId(trx: Transaction<DB>, buildingId: string, unitNo: string): Promise<string> {
    await trx
      .insertInto('households')
      .values({ building_id: buildingId, unit_no: unitNo })
      .onConflict((oc) => oc.columns(['building_id', 'unit_no']).doNothing())
      .execute();
    const r = await trx
      .selectFrom('households')
      .select('id')
      .where('building_id', '=', buildingId)
      .where('unit_no', '=', unitNo)
      .executeTakeFirstOrThrow();
    return r.id;
  }
}

export type ResidentListRow = Awaited<ReturnType<ResidentsRepository['page']>>[number];
export type SealedRow = NonNullable<Awaited<ReturnType<ResidentsRepository['findSealed']>>>;
