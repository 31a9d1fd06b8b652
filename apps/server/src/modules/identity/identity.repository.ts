import type { Role } from '@civitas/contracts/roles';
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Grant } from '../../platform/auth/actor.js';
import { PREPARED_MARK, prepared, withParameters } from '../../platform/db/prepared-statements.js';
import type { DB } from '../../platform/db/schema.js';
import type { UserRow } from './identity.tables.js';

type Executor = Kysely<DB> | Transaction<DB>;

export interface GrantJson {
  role: Role;
  orgUnitId: string;
  orgUnitPath: string;
  orgUnitCode: string;
  nameZh: string;
  nameEn: string;
  department: string | null;
}

/** The user's grants as one JSON array column, ordered from the top of the tree down. */
const grantsJson = sql<GrantJson[]>`coalesce((
  SELECT json_agg(json_build_object('role', g.role, 'orgUnitId', g.org_unit_id, 'orgUnitPath', o.path,
    'orgUnitCode', o.code, 'nameZh', o.name_zh, 'nameEn', o.name_en, 'department', g.department)
    ORDER BY o.depth, g.created_at)
  FROM role_grants g JOIN org_units o ON o.id = g.org_unit_id WHERE g.user_id = u.id), '[]'::json)`.as(
  'grants',
);

/** Read in the same statement as a session or token, so the epoch matches the snapshot of the rest. */
const accessEpoch = sql<number>`(SELECT n FROM access_epoch WHERE id = 1)`.as('access_epoch');

export const toGrant = (g: GrantJson): Grant => ({
  role: g.role,
  orgUnitId: g.orgUnitId,
  orgUnitPath: g.orgUnitPath,
  orgUnitCode: g.orgUnitCode,
  orgUnitName: { 'zh-CN': g.nameZh, en: g.nameEn },
  department: g.department,
});

/** Session, user and grants of one session-id hash, in one round trip. */
const sessionQuery = (db: Kysely<DB>) =>
  db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .modifyFront(prepared)
    .select(grantsJson)
    .select(accessEpoch)
    .select([
      's.id as session_id',
      's.csrf_token',
      's.expires_at',
      's.last_seen_at',
      'u.id',
      'u.username',
      'u.display_name',
      'u.kind',
      'u.locale',
      'u.disabled_at',
      'u.totp_enabled',
      'u.password_must_change',
    ])
    .where('s.id', '=', '')
    .compile();

export class IdentityRepository {
  // Runs whenever a session is not in the cache: built and compiled once and prepared on the
  // server; a call only swaps the id hash.
  private readonly sessionQuery: ReturnType<typeof sessionQuery>;

  constructor(private readonly db: Kysely<DB>) {
    this.sessionQuery = sessionQuery(db);
  }

  findUserByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  findUserById(id: string, ex: Executor = this.db): Promise<UserRow | undefined> {
    return ex.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async grantsOf(userIds: string[]): Promise<Map<string, Grant[]>> {
    const out = new Map<string, Grant[]>();
    if (userIds.length === 0) return out;
    const rows = await this.db
      .selectFrom('role_grants as g')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .select([
        'g.user_id',
        'g.role',
        'g.org_unit_id',
        'g.department',
        'u.path',
        'u.code',
        'u.name_zh',
        'u.name_en',
      ])
      .where('g.user_id', 'in', userIds)
      .orderBy('u.depth')
      .orderBy('g.created_at')
      .execute();
    for (const r of rows) {
      const list = out.get(r.user_id) ?? [];
      list.push({
        role: r.role as Role,
        orgUnitId: r.org_unit_id,
        orgUnitPath: r.path,
        orgUnitCode: r.code,
        orgUnitName: { 'zh-CN': r.name_zh, en: r.name_en },
        department: r.department,
      });
      out.set(r.user_id, list);
    }
    return out;
  }

  async insertUser(
    trx: Transaction<DB>,
    u: {
      username: string;
      displayName: string;
      kind: 'staff' | 'resident';
      passwordHash: string;
      residentId?: string | null;
    },
    grants: { role: Role; orgUnitId: string; department: string | null }[],
  ): Promise<string> {
    const { id } = await trx
      .insertInto('users')
      .values({
        username: u.username,
        display_name: u.displayName,
        kind: u.kind,
        password_hash: u.passwordHash,
        resident_id: u.residentId ?? null,
        disabled_at: null,
        totp_secret_enc: null,
        totp_last_step: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (grants.length > 0) {
      await trx
        .insertInto('role_grants')
        .values(
          grants.map((g) => ({
            user_id: id,
            role: g.role,
            org_unit_id: g.orgUnitId,
            department: g.department,
          })),
        )
        .execute();
    }
    return id;
  }

  /** The TOTP step just used; a code at or before it is a replay (RFC 6238 §5.2). */
  async recordTotpStep(userId: string, totpStep: number): Promise<void> {
    await this.db.updateTable('users').set({ totp_last_step: totpStep }).where('id', '=', userId).execute();
  }

  async setLocale(userId: string, locale: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ locale, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
  }

  async setTotp(userId: string, secretEnc: string | null, enabled: boolean): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        totp_secret_enc: secretEnc,
        totp_enabled: enabled,
        totp_last_step: null,
        updated_at: new Date(),
      })
      .where('id', '=', userId)
      .execute();
  }

  /**
   * A new password: every session of the user ends with the old one, except `keepSessionId` (the
   * session a user changes their own password in). `mustChange` marks it temporary (ADR 0044).
   */
  async setPassword(
    trx: Transaction<DB>,
    userId: string,
    passwordHash: string,
    mustChange: boolean,
    keepSessionId: string | null = null,
  ): Promise<void> {
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_must_change: mustChange, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
    await trx
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .$if(keepSessionId !== null, (q) => q.where('id', '!=', keepSessionId ?? ''))
      .execute();
  }

  /** One's own new password, with its audit row, in one transaction; other sessions end. */
  async changeOwnPassword(
    userId: string,
    passwordHash: string,
    keepSessionId: string | null,
    audit: (trx: Transaction<DB>) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.setPassword(trx, userId, passwordHash, false, keepSessionId);
      await audit(trx);
    });
  }

  async deleteSessionsOf(trx: Transaction<DB>, userId: string): Promise<void> {
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  /** Unlock: every sign-in throttle count of the account starts afresh (keys carry the generation). */
  async bumpLoginGeneration(trx: Transaction<DB>, userId: string): Promise<void> {
    await trx
      .updateTable('users')
      .set((eb) => ({ login_generation: eb('login_generation', '+', 1), updated_at: new Date() }))
      .where('id', '=', userId)
      .execute();
  }

  async replaceGrants(
    trx: Transaction<DB>,
    userId: string,
    grants: { role: Role; orgUnitId: string; department: string | null }[],
  ): Promise<void> {
    await trx.deleteFrom('role_grants').where('user_id', '=', userId).execute();
    await trx
      .insertInto('role_grants')
      .values(
        grants.map((g) => ({
          user_id: userId,
          role: g.role,
          org_unit_id: g.orgUnitId,
          department: g.department,
        })),
      )
      .execute();
  }

  /**
   * Active accounts holding system_admin anywhere, other than `exceptUserId`. Takes a transaction
   * lock first, so two administrators demoting or disabling each other at once cannot both pass
   * the last-admin check (the second waits and counts again).
   */
  async otherActiveSystemAdmins(trx: Transaction<DB>, exceptUserId: string): Promise<number> {
    await sql`SELECT pg_advisory_xact_lock(hashtext('civitas.system_admins'))`.execute(trx);
    const r = await trx
      .selectFrom('role_grants as g')
      .innerJoin('users as u', 'u.id', 'g.user_id')
      .select(sql<number>`count(DISTINCT u.id)::int`.as('n'))
      .where('g.role', '=', 'system_admin')
      .where('u.disabled_at', 'is', null)
      .where('u.id', '!=', exceptUserId)
      .executeTakeFirstOrThrow();
    return r.n;
  }

  /** Two-factor sign-in off and its secret gone; every session ends, so the next sign-in enrols anew. */
  async clearTotp(trx: Transaction<DB>, userId: string): Promise<void> {
    await trx
      .updateTable('users')
      .set({ totp_secret_enc: null, totp_enabled: false, totp_last_step: null, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async setDisabled(trx: Transaction<DB>, userId: string, disabled: boolean): Promise<void> {
    await trx
      .updateTable('users')
      .set({ disabled_at: disabled ? new Date() : null, updated_at: new Date() })
      .where('id', '=', userId)
      .execute();
    if (disabled) await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  // ---- sessions ----
  async insertSession(s: {
    id: string;
    userId: string;
    csrf: string;
    ip: string;
    userAgent: string | null;
    expiresAt: Date;
  }) {
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        user_id: s.userId,
        csrf_token: s.csrf,
        ip: s.ip,
        user_agent: s.userAgent,
        expires_at: s.expiresAt,
      })
      .execute();
  }

  async findSession(idHash: string) {
    const r = await this.db.executeQuery(withParameters(this.sessionQuery, [idHash]));
    return r.rows[0];
  }

  private readonly epochQuery = CompiledQuery.raw(`SELECT ${PREPARED_MARK} n FROM access_epoch WHERE id = 1`);

  /** The current access epoch; runs for every authenticated request (see AccessEpochProbe). */
  async readAccessEpoch(): Promise<number> {
    const r = await this.db.executeQuery<{ n: number }>(this.epochQuery);
    const row = r.rows[0];
    if (!row) throw new Error('access_epoch has no row; migration 0008 missing');
    return row.n;
  }

  async touchSession(idHash: string): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date() })
      .where('id', '=', idHash)
      .execute();
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', idHash).execute();
  }

  async deleteExpiredSessions(idleBefore: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at', '<', new Date()), eb('last_seen_at', '<', idleBefore)]))
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ---- API tokens ----
  findToken(hash: string) {
    return this.db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(grantsJson)
      .select(accessEpoch)
      .select([
        't.id as token_id',
        't.expires_at',
        't.revoked_at',
        't.last_used_at',
        'u.id',
        'u.username',
        'u.display_name',
        'u.kind',
        'u.locale',
        'u.disabled_at',
        'u.totp_enabled',
        'u.password_must_change',
      ])
      .where('t.token_hash', '=', hash)
      .executeTakeFirst();
  }

  async touchToken(id: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', id).execute();
  }

  async insertToken(t: {
    userId: string;
    name: string;
    prefix: string;
    hash: string;
    expiresAt: Date | null;
  }) {
    return this.db
      .insertInto('api_tokens')
      .values({
        user_id: t.userId,
        name: t.name,
        prefix: t.prefix,
        token_hash: t.hash,
        expires_at: t.expiresAt,
        last_used_at: null,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  listTokens(userId: string) {
    return this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
  }

  async revokeToken(userId: string, tokenId: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date() })
      .where('id', '=', tokenId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * Active staff holding one of `roles` on the unit at `unitPath` or on one of its ancestors
   * (department staff: only of `department`). Paths are `/id/id/`, so "ancestor or self" is a
   * prefix test.
   */
  handlersOver(unitPath: string, roles: readonly Role[], department: string | null) {
    if (roles.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('role_grants as g')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .innerJoin('users as usr', 'usr.id', 'g.user_id')
      .select(['usr.id', 'usr.display_name'])
      .distinct()
      .where('usr.kind', '=', 'staff')
      .where('usr.disabled_at', 'is', null)
      .where('g.role', 'in', [...roles])
      .where(sql<boolean>`${unitPath} LIKE u.path || '%'`)
      .where((eb) =>
        eb.or([eb('g.role', '!=', 'department_staff'), eb('g.department', '=', department ?? '')]),
      )
      .orderBy('usr.display_name')
      .orderBy('usr.id')
      .execute();
  }

  /** Users holding at least one grant inside any of the given subtrees. */
  async listUsersUnder(
    paths: string[],
    limit: number,
    offset: number,
  ): Promise<{ rows: UserRow[]; total: number }> {
    if (paths.length === 0) return { rows: [], total: 0 };
    const visible = this.db
      .selectFrom('role_grants as g')
      .innerJoin('org_units as u', 'u.id', 'g.org_unit_id')
      .select('g.user_id')
      .where((eb) => eb.or(paths.map((p) => eb('u.path', 'like', `${p}%`))));
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom('users')
        .selectAll()
        .where('id', 'in', visible)
        .orderBy('username')
        .limit(limit)
        .offset(offset)
        .execute(),
      this.db
        .selectFrom('users')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('id', 'in', visible)
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, total: count.n };
  }
}
