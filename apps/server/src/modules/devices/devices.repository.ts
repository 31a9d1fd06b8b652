import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../platform/db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

export interface DeviceFilter {
  paths: string[];
  unitPath?: string | undefined;
  profile?: string | undefined;
  connectivity?: 'never' | 'active' | 'inactive' | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

export class DevicesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  private base(ex: Executor = this.db) {
    return (
      ex
        .selectFrom('devices as d')
        .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
        .innerJoin('device_profiles as p', 'p.id', 'd.profile_id')
        .selectAll('d')
        .select(['u.code as unit_code', 'u.path as unit_path', 'p.code as profile_code'])
        // The reason code of the last refusal, so screens can name it in the reader's language
        // (last_error is the pipeline's English detail).
        .select((eb) =>
          eb
            .selectFrom('device_rejections as r')
            .select('r.reason')
            .whereRef('r.device_id', '=', 'd.id')
            .orderBy('r.last_at', 'desc')
            .limit(1)
            .as('last_error_reason'),
        )
    );
  }

  findById(id: string, ex: Executor = this.db) {
    return this.base(ex).where('d.id', '=', id).executeTakeFirst();
  }

  findByCode(code: string) {
    return this.base().where('d.code', '=', code).executeTakeFirst();
  }

  async list(f: DeviceFilter) {
    if (f.paths.length === 0) return { rows: [], total: 0 };
    let q = this.base().where((eb) => eb.or(f.paths.map((p) => eb('u.path', 'like', `${p}%`))));
    if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
    if (f.profile) q = q.where('p.code', '=', f.profile);
    if (f.connectivity) q = q.where('d.connectivity', '=', f.connectivity);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('d.code', 'ilike', like), eb('d.name', 'ilike', like)]));
    }
    const [rows, count] = await Promise.all([
      q.orderBy('d.code').limit(f.limit).offset(f.offset).execute(),
      q
        .clearSelect()
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: count.n };
  }

  async insert(
    trx: Transaction<DB>,
    d: {
      code: string;
      name: string;
      profile_id: string;
      org_unit_id: string;
      lat: number;
      lng: number;
      h3: string;
      install_date: string | null;
      status: 'active' | 'maintenance' | 'retired';
      token_hash: string | null;
      token_prefix: string | null;
      token_sealed?: string | null;
      api_key_group_id: string | null;
    },
  ): Promise<string> {
    const r = await trx
      .insertInto('devices')
      .values({ ...d, last_seen_at: null, last_error: null, last_error_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async update(
    trx: Transaction<DB>,
    id: string,
    version: number,
    patch: Partial<{
      name: string;
      lat: number;
      lng: number;
      h3: string;
      org_unit_id: string;
      install_date: string | null;
      status: 'active' | 'maintenance' | 'retired';
    }>,
  ) {
    return trx
      .updateTable('devices')
      .set({ ...patch, version: sql`version + 1`, updated_at: new Date() })
      .where('id', '=', id)
      .where('version', '=', version)
      .returning('id')
      .executeTakeFirst();
  }

  async setToken(
    trx: Transaction<DB>,
    id: string,
    hash: string | null,
    prefix: string | null,
    sealed: string | null = null,
  ): Promise<void> {
    await trx
      .updateTable('devices')
      .set({
        token_hash: hash,
        token_prefix: prefix,
        token_sealed: sealed,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute();
  }

  async setGroup(trx: Transaction<DB>, ids: string[], groupId: string | null): Promise<void> {
    if (ids.length === 0) return;
    await trx
      .updateTable('devices')
      .set({ api_key_group_id: groupId, updated_at: new Date() })
      .where('id', 'in', ids)
      .execute();
  }

  async delete(trx: Transaction<DB>, id: string): Promise<void> {
    await trx.deleteFrom('devices').where('id', '=', id).execute();
  }

  rejections(id: string) {
    return this.db
      .selectFrom('device_rejections')
      .selectAll()
      .where('device_id', '=', id)
      .orderBy('count', 'desc')
      .execute();
  }

  // ---- API key groups (FIWARE) ----
  async insertGroup(
    trx: Transaction<DB>,
    g: { name: string; hash: string; prefix: string; orgUnitId: string; sealed?: string | null },
  ): Promise<string> {
    const r = await trx
      .insertInto('api_key_groups')
      .values({
        name: g.name,
        apikey_hash: g.hash,
        apikey_prefix: g.prefix,
        apikey_sealed: g.sealed ?? null,
        org_unit_id: g.orgUnitId,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  findGroup(id: string) {
    return this.db
      .selectFrom('api_key_groups as g')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .selectAll('g')
      .select('u.path as unit_path')
      .where('g.id', '=', id)
      .executeTakeFirst();
  }

  listGroups(paths: string[]) {
    if (paths.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('api_key_groups as g')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .selectAll('g')
      .select('u.code as unit_code')
      .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))))
      .orderBy('g.created_at')
      .execute();
  }

  async revokeGroup(trx: Transaction<DB>, id: string): Promise<void> {
    await trx.updateTable('api_key_groups').set({ revoked_at: new Date() }).where('id', '=', id).execute();
  }

  // ---- credential lookups for ingestion ----
  byTokenHash(hash: string) {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
      .select([
        'd.id',
        'd.code',
        'd.profile_id',
        'd.status',
        'd.org_unit_id',
        'u.path as unit_path',
        'd.api_key_group_id',
      ])
      .where('d.token_hash', '=', hash)
      .executeTakeFirst();
  }

  byGroupAndCode(groupId: string, code: string) {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
      .select([
        'd.id',
        'd.code',
        'd.profile_id',
        'd.status',
        'd.org_unit_id',
        'u.path as unit_path',
        'd.api_key_group_id',
      ])
      .where('d.api_key_group_id', '=', groupId)
      .where('d.code', '=', code)
      .executeTakeFirst();
  }

  groupByHash(hash: string) {
    return this.db
      .selectFrom('api_key_groups')
      .select(['id', 'org_unit_id', 'revoked_at'])
      .where('apikey_hash', '=', hash)
      .executeTakeFirst();
  }

  byCodeForIngest(code: string) {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
      .select([
        'd.id',
        'd.code',
        'd.profile_id',
        'd.status',
        'd.org_unit_id',
        'u.path as unit_path',
        'd.api_key_group_id',
      ])
      .where('d.code', '=', code)
      .executeTakeFirst();
  }

  byIdForIngest(id: string) {
    return this.db
      .selectFrom('devices as d')
      .innerJoin('org_units as u', 'u.id', 'd.org_unit_id')
      .select([
        'd.id',
        'd.code',
        'd.profile_id',
        'd.status',
        'd.org_unit_id',
        'u.path as unit_path',
        'd.api_key_group_id',
      ])
      .where('d.id', '=', id)
      .executeTakeFirst();
  }
}

export type DeviceWithUnit = NonNullable<Awaited<ReturnType<DevicesRepository['findById']>>>;
export type IngestDeviceRow = NonNullable<Awaited<ReturnType<DevicesRepository['byTokenHash']>>>;
