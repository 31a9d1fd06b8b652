import type { CreateUser } from '@civitas/contracts/identity';
import { rolePermissions, type Permission, type Role } from '@civitas/contracts/roles';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { DB } from '../../platform/db/schema.js';
import type { UserRow } from './identity.tables.js';
import { badRequest, conflict, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { IdentityRepository } from './identity.repository.js';
import { hashPassword } from './password.js';

export interface NewUserInput {
  username: string;
  displayName: string;
  kind: 'staff' | 'resident';
  password: string;
  grants: { role: Role; orgUnitId: string; department: string | null }[];
  residentId?: string | null;
}

/** Accounts and their grants. A user is visible to whoever holds user.read over one of its grant units. */
export class UsersService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly repo: IdentityRepository,
    private readonly orgs: OrgsService,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Internal lookup for other services, which authorize their caller themselves: active staff
   * whose role carries `permission` on the unit at `unitPath` or above it (department staff only
   * of `department`). Id and display name only.
   */
  async staffWithPermissionOver(
    permission: Permission,
    unitPath: string,
    department: string | null,
  ): Promise<{ id: string; name: string }[]> {
    const roles = (Object.keys(rolePermissions) as Role[]).filter((r) =>
      rolePermissions[r].includes(permission),
    );
    const rows = await this.repo.handlersOver(unitPath, roles, department);
    return rows.map((r) => ({ id: r.id, name: r.display_name }));
  }

  async list(actor: Actor, limit: number, offset: number) {
    const { rows, total } = await this.repo.listUsersUnder(scopePaths(actor, 'user.read'), limit, offset);
    const grants = await this.repo.grantsOf(rows.map((r) => r.id));
    return { rows: rows.map((r) => ({ row: r, grants: grants.get(r.id) ?? [] })), total };
  }

  /** Creates a user through the API: every granted unit must lie inside the actor's user.write scope. */
  async create(ctx: RequestContext & { actor: Actor }, input: CreateUser): Promise<string> {
    for (const g of input.grants) {
      const unit = await this.orgs.findById(g.orgUnitId);
      if (!unit) throw badRequest('unit_not_found', `grants: org unit ${g.orgUnitId} does not exist`);
      assertCovers(ctx.actor, 'user.write', unit.path, 'Org unit', false);
    }
    return this.createUnchecked(ctx, input);
  }

  /** For the CLI and demo loader, which act as the operator. */
  async createUnchecked(ctx: RequestContext, input: NewUserInput): Promise<string> {
    for (const g of input.grants) {
      if (g.role === 'department_staff' && !g.department) {
        throw badRequest('department_required', 'grants: department staff need a department');
      }
    }
    if (await this.repo.findUserByUsername(input.username)) {
      throw conflict('username_taken', `username: ${input.username} is already taken`);
    }
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction().execute(async (trx) => {
      const id = await this.repo.insertUser(trx, { ...input, passwordHash }, input.grants);
      await this.audit.append(trx, ctx, {
        action: 'user.create',
        targetType: 'user',
        targetId: id,
        detail: {
          username: input.username,
          grants: input.grants.map((g) => ({ role: g.role, unit: g.orgUnitId })),
        },
      });
      return id;
    });
  }

  /** For the CLI, which acts as the operator on the machine: the account behind a username. */
  findByUsername(username: string): Promise<UserRow | undefined> {
    return this.repo.findUserByUsername(username);
  }

  /**
   * For loaders that write a whole district in one transaction (the demo): a user whose password
   * is already hashed, audited inside `trx`, so a half-written load never exists.
   */
  async insertWithin(
    trx: Transaction<DB>,
    ctx: RequestContext,
    input: Omit<NewUserInput, 'password'> & { passwordHash: string },
    detail: Record<string, unknown> = {},
  ): Promise<string> {
    const id = await this.repo.insertUser(trx, input, input.grants);
    await this.audit.append(trx, ctx, {
      action: 'user.create',
      targetType: 'user',
      targetId: id,
      detail: { username: input.username, ...detail },
    });
    return id;
  }

  /** For the CLI, acting as the operator: no scope to check; disabling ends every session at once. */
  async setDisabledAsOperator(ctx: RequestContext, userId: string, disabled: boolean): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.repo.setDisabled(trx, userId, disabled);
      await this.audit.append(trx, ctx, {
        action: disabled ? 'user.disable' : 'user.enable',
        targetType: 'user',
        targetId: userId,
      });
    });
  }

  /**
   * For the CLI, acting as the operator (account recovery without SQL): a new password, every
   * session ended, audited. The caller shows the password once; it is stored only as a hash.
   */
  async resetPasswordAsOperator(ctx: RequestContext, userId: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.setPassword(trx, userId, passwordHash);
      await this.audit.append(trx, ctx, {
        action: 'user.password_reset',
        targetType: 'user',
        targetId: userId,
      });
    });
  }

  /**
   * For the CLI, acting as the operator: two-factor sign-in off for a user who lost their device.
   * Every session ends; an administrator must enrol again before any permission applies.
   */
  async resetMfaAsOperator(ctx: RequestContext, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.repo.clearTotp(trx, userId);
      await this.audit.append(trx, ctx, { action: 'user.mfa_reset', targetType: 'user', targetId: userId });
    });
  }

  /** Disabling ends every session of the user in the same transaction: access stops at once. */
  async setDisabled(
    ctx: RequestContext & { actor: Actor },
    userId: string,
    disabled: boolean,
  ): Promise<void> {
    const target = await this.visibleUser(ctx.actor, userId);
    const grants = (await this.repo.grantsOf([target.id])).get(target.id) ?? [];
    for (const g of grants) assertCovers(ctx.actor, 'user.write', g.orgUnitPath, 'User', false);
    if (target.id === ctx.actor.userId)
      throw badRequest('cannot_disable_self', 'You cannot disable your own account.');
    await this.db.transaction().execute(async (trx) => {
      await this.repo.setDisabled(trx, userId, disabled);
      await this.audit.append(trx, ctx, {
        action: disabled ? 'user.disable' : 'user.enable',
        targetType: 'user',
        targetId: userId,
      });
    });
  }

  private async visibleUser(actor: Actor, userId: string): Promise<UserRow> {
    const user = await this.repo.findUserById(userId);
    if (!user) throw notFound('User');
    const grants = (await this.repo.grantsOf([userId])).get(userId) ?? [];
    if (!grants.some((g) => scopePaths(actor, 'user.read').some((p) => g.orgUnitPath.startsWith(p))))
      throw notFound('User');
    return user;
  }
}
