import { randomBytes } from 'node:crypto';
import type { CreateUser, SetGrants, UserAction } from '@civitas/contracts/identity';
import { rolePermissions, type Permission, type Role } from '@civitas/contracts/roles';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor, Grant, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { DB } from '../../platform/db/schema.js';
import type { UserRow } from './identity.tables.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { IdentityRepository } from './identity.repository.js';
import { hashPassword } from './password.js';
import { grantChanges, manages, mayGrant, userActionsFor } from './account-policy.js';

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
    return {
      rows: rows.map((r) => {
        const g = grants.get(r.id) ?? [];
        const actions = userActionsFor(
          actor,
          { id: r.id, disabled: r.disabled_at !== null, mfaEnabled: r.totp_enabled },
          g,
        );
        return { row: r, grants: g, actions };
      }),
      total,
    };
  }

  /** Creates a user through the API: every granted unit must lie inside the actor's user.write scope. */
  async create(ctx: RequestContext & { actor: Actor }, input: CreateUser): Promise<string> {
    for (const g of input.grants) {
      const unit = await this.orgs.forNewRecords(g.orgUnitId);
      if (!unit) throw badRequest('unit_not_found', `grants: org unit ${g.orgUnitId} does not exist`);
      assertCovers(ctx.actor, 'user.write', unit.path, 'Org unit', false);
      if (!mayGrant(ctx.actor, g.role, unit.path)) throw roleNotGrantable(g.role);
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
    const grants = (await this.repo.grantsOf([userId])).get(userId) ?? [];
    await this.db.transaction().execute(async (trx) => {
      if (disabled) await this.keepOneAdmin(trx, userId, grants, []);
      await this.repo.setDisabled(trx, userId, disabled);
      await this.audit.append(trx, ctx, {
        action: disabled ? 'user.disable' : 'user.enable',
        targetType: 'user',
        targetId: userId,
      });
    });
  }

  /**
   * For the CLI, acting as the operator (account recovery without SQL): a new, temporary password
   * (the user chooses their own at the next sign-in), every session ended, audited. The caller
   * shows the password once; it is stored only as a hash.
   */
  async resetPasswordAsOperator(ctx: RequestContext, userId: string, password: string): Promise<void> {
    await this.resetPasswordOf(ctx, userId, password, false);
  }

  /** For the CLI: clears the sign-in throttle of the account (ADR 0044). */
  unlockAsOperator(ctx: RequestContext, userId: string): Promise<void> {
    return this.unlockOf(ctx, userId);
  }

  /** For the CLI: replaces the grants of an account; the last-admin rule still holds. */
  async setGrantsAsOperator(ctx: RequestContext, userId: string, input: SetGrants['grants']): Promise<void> {
    const before = (await this.repo.grantsOf([userId])).get(userId) ?? [];
    for (const g of input) {
      if (!(await this.orgs.forNewRecords(g.orgUnitId)))
        throw badRequest('unit_not_found', `grants: org unit ${g.orgUnitId} does not exist`);
    }
    await this.replaceGrantsOf(ctx, userId, before, input);
  }

  // ---- account recovery through the API (ADR 0044): scope, policy, audit ----

  /**
   * An administrator's password reset: the one they chose, or a generated one returned once.
   * Either way it is temporary, and every session of the user ends.
   */
  async resetPassword(
    ctx: RequestContext & { actor: Actor },
    userId: string,
    chosen: string | undefined,
  ): Promise<string | null> {
    await this.managedOther(ctx.actor, userId, 'password_reset');
    // 18 random bytes in base64url: 24 characters, far beyond the policy's 12 and 5 distinct.
    const password = chosen ?? randomBytes(18).toString('base64url');
    await this.resetPasswordOf(ctx, userId, password, chosen === undefined);
    return chosen === undefined ? password : null;
  }

  /** Two-factor sign-in off: the user enrols again; every session ends. */
  async resetMfa(ctx: RequestContext & { actor: Actor }, userId: string): Promise<void> {
    await this.managedOther(ctx.actor, userId, 'mfa_reset');
    await this.resetMfaAsOperator(ctx, userId);
  }

  async unlock(ctx: RequestContext & { actor: Actor }, userId: string): Promise<void> {
    await this.managedOther(ctx.actor, userId, 'unlock');
    await this.unlockOf(ctx, userId);
  }

  /**
   * Role and unit changes: the whole new set of grants. Every unit, old and new, must lie in the
   * actor's user.write scope; each new grant must be one the actor may hand out; on their own
   * account an administrator may only give grants up.
   */
  async setGrants(ctx: RequestContext & { actor: Actor }, userId: string, input: SetGrants['grants']) {
    const actor = ctx.actor;
    const user = await this.visibleUser(actor, userId);
    const before = (await this.repo.grantsOf([user.id])).get(user.id) ?? [];
    if (!manages(actor, before)) throw forbidden();
    const { added } = grantChanges(before, input);
    if (user.id === actor.userId && added.length > 0)
      throw badRequest(
        'cannot_change_own_roles',
        'grants: you can give up your own grants but not add to them',
      );
    for (const g of input) {
      const unit = await this.orgs.forNewRecords(g.orgUnitId);
      if (!unit) throw badRequest('unit_not_found', `grants: org unit ${g.orgUnitId} does not exist`);
      assertCovers(actor, 'user.write', unit.path, 'Org unit', false);
      if (added.includes(g) && !mayGrant(actor, g.role, unit.path)) throw roleNotGrantable(g.role);
    }
    await this.replaceGrantsOf(ctx, userId, before, input);
  }

  private async replaceGrantsOf(
    ctx: RequestContext,
    userId: string,
    before: Grant[],
    input: SetGrants['grants'],
  ): Promise<void> {
    for (const g of input) {
      if (g.role === 'department_staff' && !g.department)
        throw badRequest('department_required', 'grants: department staff need a department');
    }
    const { removedAny } = grantChanges(before, input);
    await this.db.transaction().execute(async (trx) => {
      await this.keepOneAdmin(trx, userId, before, input);
      await this.repo.replaceGrants(trx, userId, input);
      // A lost grant must stop at once, not at the next sign-in.
      if (removedAny) await this.repo.deleteSessionsOf(trx, userId);
      await this.audit.append(trx, ctx, {
        action: 'user.grants_change',
        targetType: 'user',
        targetId: userId,
        targetUnitId: input[0]?.orgUnitId ?? null,
        detail: {
          before: before.map((g) => ({ role: g.role, unit: g.orgUnitId, department: g.department })),
          after: input.map((g) => ({ role: g.role, unit: g.orgUnitId, department: g.department })),
          sessionsEnded: removedAny,
        },
      });
    });
  }

  /**
   * Refuses a change that would leave no active system administrator: nobody could then manage
   * accounts from the web. Checked under a lock inside the change's transaction.
   */
  private async keepOneAdmin(
    trx: Transaction<DB>,
    userId: string,
    before: readonly { role: string }[],
    after: readonly { role: string }[],
  ): Promise<void> {
    if (!before.some((g) => g.role === 'system_admin')) return;
    if (after.some((g) => g.role === 'system_admin')) return;
    if ((await this.repo.otherActiveSystemAdmins(trx, userId)) === 0)
      throw conflict(
        'last_system_admin',
        'This is the last active system administrator; appoint another first.',
      );
  }

  private async resetPasswordOf(
    ctx: RequestContext,
    userId: string,
    password: string,
    generated: boolean,
  ): Promise<void> {
    const passwordHash = await hashPassword(password);
    await this.db.transaction().execute(async (trx) => {
      await this.repo.setPassword(trx, userId, passwordHash, true);
      await this.audit.append(trx, ctx, {
        action: 'user.password_reset',
        targetType: 'user',
        targetId: userId,
        detail: { generated, sessionsEnded: true, mustChange: true },
      });
    });
  }

  private async unlockOf(ctx: RequestContext, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.repo.bumpLoginGeneration(trx, userId);
      await this.audit.append(trx, ctx, { action: 'user.unlock', targetType: 'user', targetId: userId });
    });
  }

  /** The account, visible to the actor (else 404) and offered `action` by the policy (else 403). */
  private async managedOther(actor: Actor, userId: string, action: UserAction): Promise<UserRow> {
    const user = await this.visibleUser(actor, userId);
    const grants = (await this.repo.grantsOf([user.id])).get(user.id) ?? [];
    const offered = userActionsFor(
      actor,
      { id: user.id, disabled: user.disabled_at !== null, mfaEnabled: true },
      grants,
    );
    if (!offered.includes(action)) throw forbidden();
    return user;
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
      if (disabled) await this.keepOneAdmin(trx, userId, grants, []);
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

const roleNotGrantable = (role: Role) =>
  new AppError(403, 'role_not_grantable', `grants: you may not grant the role ${role}`);
