import { createHash, randomBytes } from 'node:crypto';
import { mayHoldApiTokens, type LoginRequest } from '@civitas/contracts/identity';
import * as OTPAuth from 'otpauth';
import type { Actor, Grant, RequestContext } from '../../platform/auth/actor.js';
import { permissionsOf } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import {
  AppError,
  badRequest,
  forbidden,
  invalidCredentials,
  notFound,
} from '../../platform/errors/errors.js';
import type { Authenticator } from '../../platform/http/access.js';
import { toGrant, type IdentityRepository } from './identity.repository.js';
import type { LoginAttempt, LoginThrottle } from './login-throttle.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './password.js';
import { Cache } from '../../platform/cache/cache.js';
import { AccessEpochProbe, type CachedSession } from './session-cache.js';

export interface AuthSettings {
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  requireAdminMfa: boolean;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const TOUCH_EVERY_MS = 60_000;
export const TOTP_AAD = 'users.totp_secret';

export type LoginOutcome = { status: 'ok'; sessionToken: string; actor: Actor } | { status: 'mfa_required' };

/** Sign-in, sessions, API tokens and TOTP. Also the request authenticator used by the HTTP layer. */
export class AuthService implements Authenticator {
  // Signed-in actors, reused only while the access epoch is unchanged: any change to a user,
  // grant, session or org unit, committed by any process, moves the epoch (ADR 0011).
  // An entry holds no authority of its own: it is served only under the epoch it was read in.
  private readonly sessions = new Cache<string, CachedSession>({ ttlMs: Infinity, maxEntries: 10_000 });
  private readonly epoch: AccessEpochProbe;

  constructor(
    private readonly repo: IdentityRepository,
    private readonly audit: AuditLog,
    private readonly cipher: FieldCipher,
    private readonly throttle: LoginThrottle,
    private readonly settings: AuthSettings,
  ) {
    this.epoch = new AccessEpochProbe(() => repo.readAccessEpoch());
  }

  async login(ctx: RequestContext, req: LoginRequest, userAgent: string | null): Promise<LoginOutcome> {
    // Throttled before anything is checked: a waiting source learns nothing, not even a right
    // password or TOTP code (the second step is an attempt like the first). The account is read
    // first only for its throttle generation (moved on by an unlock, ADR 0044); a missing account
    // counts under generation 0, and the answer is the same either way.
    const user = await this.repo.findUserByUsername(req.username);
    const attempt = await this.throttle.admit(ctx.ip, req.username, user?.login_generation ?? 0);
    if (!user) {
      // The same work and the same counts as for a real account: no username oracle.
      await burnPasswordCheck(req.password);
      await this.fail(ctx, attempt, null, req.username);
      throw invalidCredentials();
    }
    const passwordOk = await verifyPassword(user.password_hash, req.password);
    if (!passwordOk || user.disabled_at) {
      await this.fail(ctx, attempt, user.id, req.username);
      throw invalidCredentials();
    }
    let step: number | null = null;
    if (user.totp_enabled) {
      // Not a success: the count stays, or password-only attempts would reset TOTP guessing.
      if (!req.totp) return { status: 'mfa_required' };
      step = this.checkTotp(user.username, user.totp_secret_enc, req.totp, user.totp_last_step);
      if (step === null) {
        await this.fail(ctx, attempt, user.id, req.username);
        throw invalidCredentials();
      }
      await this.repo.recordTotpStep(user.id, step);
    }
    await this.throttle.succeeded(attempt);
    const token = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + this.settings.sessionMaxHours * 3_600_000);
    await this.repo.insertSession({
      id: sha256(token),
      userId: user.id,
      csrf,
      ip: ctx.ip,
      userAgent,
      expiresAt,
    });
    const actor = await this.authenticate({ sessionToken: token, bearerToken: undefined, ip: ctx.ip });
    if (!actor) throw new Error('session vanished right after creation');
    await this.audit.record(
      { ...ctx, actor },
      { action: 'auth.login', targetType: 'user', targetId: user.id },
    );
    return { status: 'ok', sessionToken: token, actor };
  }

  /** Deletes expired and idle sessions (a periodic job); authentication already ignores them. */
  sweepSessions(): Promise<number> {
    return this.repo.deleteExpiredSessions(new Date(Date.now() - this.settings.sessionIdleMinutes * 60_000));
  }

  async logout(ctx: RequestContext, sessionToken: string | undefined): Promise<void> {
    if (!sessionToken) return;
    this.sessions.delete(sha256(sessionToken));
    await this.repo.deleteSession(sha256(sessionToken));
    await this.audit.record(ctx, { action: 'auth.logout', targetType: 'user', targetId: ctx.actor?.userId });
  }

  async authenticate(input: {
    sessionToken: string | undefined;
    bearerToken: string | undefined;
    ip: string;
  }) {
    if (input.bearerToken) return this.fromToken(input.bearerToken);
    if (input.sessionToken) return this.fromSession(input.sessionToken);
    return null;
  }

  private async fromSession(token: string): Promise<Actor | null> {
    const id = sha256(token);
    const idleMs = this.settings.sessionIdleMinutes * 60_000;
    // The epoch is read after this request arrived, so a disable, logout or grant change
    // committed before it, by this process or another, is never answered from memory.
    const hit = this.sessions.get(id, await this.epoch.current());
    if (hit) {
      const now = Date.now();
      // An entry that looks idle is not trusted to end the session: another process may have
      // seen the user since, so the database decides below.
      if (hit.expiresAt > now && hit.lastSeenAt >= now - idleMs) {
        if (now - hit.lastSeenAt > TOUCH_EVERY_MS) {
          await this.repo.touchSession(id);
          hit.lastSeenAt = now;
        }
        return hit.actor;
      }
      this.sessions.delete(id);
    }
    const s = await this.repo.findSession(id);
    if (!s || s.disabled_at) return null;
    const now = Date.now();
    if (s.expires_at.getTime() <= now || s.last_seen_at.getTime() < now - idleMs) {
      await this.repo.deleteSession(id);
      return null;
    }
    let lastSeenAt = s.last_seen_at.getTime();
    if (now - lastSeenAt > TOUCH_EVERY_MS) {
      await this.repo.touchSession(id);
      lastSeenAt = now;
    }
    const actor = this.actorFor(
      s,
      s.grants.map(toGrant),
      'session',
      s.session_id,
      s.csrf_token,
      s.access_epoch,
    );
    this.sessions.set(
      id,
      { actor, epoch: s.access_epoch, expiresAt: s.expires_at.getTime(), lastSeenAt },
      s.access_epoch,
    );
    return actor;
  }

  private async fromToken(token: string): Promise<Actor | null> {
    const t = await this.repo.findToken(sha256(token));
    if (!t || t.disabled_at || t.revoked_at) return null;
    if (t.expires_at && t.expires_at.getTime() <= Date.now()) return null;
    if (!t.last_used_at || Date.now() - t.last_used_at.getTime() > TOUCH_EVERY_MS)
      await this.repo.touchToken(t.token_id);
    return this.actorFor(t, t.grants.map(toGrant), 'token', null, null, t.access_epoch);
  }

  /** The actor for a user acting outside HTTP (the operator CLI importing "as" a user). */
  async actorForUser(username: string): Promise<Actor | null> {
    const u = await this.repo.findUserByUsername(username);
    if (!u || u.disabled_at) return null;
    const grants = (await this.repo.grantsOf([u.id])).get(u.id) ?? [];
    return this.actorFor(u, grants, 'token', null, null, null);
  }

  private actorFor(
    u: {
      id: string;
      username: string;
      display_name: string;
      kind: 'staff' | 'resident';
      locale: string;
      totp_enabled: boolean;
      password_must_change: boolean;
    },
    grants: Grant[],
    via: 'session' | 'token',
    sessionId: string | null,
    csrf: string | null,
    accessEpoch: number | null,
  ): Actor {
    const isAdmin = grants.some((g) => g.role === 'system_admin');
    // An admin without a second factor may only enrol one (REQUIRE_ADMIN_MFA, off in demo mode).
    const mustEnrol = isAdmin && this.settings.requireAdminMfa && !u.totp_enabled;
    // A temporary password set by an administrator: nothing applies until the user chooses their
    // own (ADR 0044); the session may still read itself and change the password.
    const mustChange = u.password_must_change;
    // Frozen: a cached actor is shared by every request of its session.
    return deepFreeze({
      userId: u.id,
      username: u.username,
      displayName: u.display_name,
      kind: u.kind,
      locale: u.locale,
      grants,
      permissions: mustEnrol || mustChange ? new Set() : permissionsOf(grants),
      via,
      sessionId,
      csrfToken: csrf,
      mfaEnabled: u.totp_enabled,
      accessEpoch,
    });
  }

  mfaEnrolmentRequired(actor: Actor): boolean {
    return (
      this.settings.requireAdminMfa &&
      !actor.mfaEnabled &&
      actor.grants.some((g) => g.role === 'system_admin')
    );
  }

  /** Whether the caller signed in with a temporary password and must choose their own first. */
  async passwordChangeRequired(actor: Actor): Promise<boolean> {
    return (await this.repo.findUserById(actor.userId))?.password_must_change ?? false;
  }

  /**
   * The signed-in user's own password change: the current one proves it is them (a stolen
   * session alone cannot take the account over), the same policy as creation applies (checked at
   * the edge), the flag of a temporary password clears and every other session ends.
   */
  async changePassword(
    ctx: RequestContext,
    actor: Actor,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    if (actor.via !== 'session') throw forbidden();
    const user = await this.repo.findUserById(actor.userId);
    if (!user) throw notFound('User');
    if (!(await verifyPassword(user.password_hash, currentPassword))) {
      await this.audit.record(ctx, {
        action: 'auth.password_change_failed',
        targetType: 'user',
        targetId: actor.userId,
      });
      throw badRequest('password_wrong', 'currentPassword: that is not your current password');
    }
    if (currentPassword === newPassword)
      throw badRequest('password_unchanged', 'newPassword: choose a password other than the current one');
    const hash = await hashPassword(newPassword);
    await this.repo.changeOwnPassword(actor.userId, hash, actor.sessionId, (trx) =>
      this.audit.append(trx, ctx, {
        action: 'auth.password_changed',
        targetType: 'user',
        targetId: actor.userId,
        detail: { wasTemporary: user.password_must_change },
      }),
    );
  }

  private async fail(
    ctx: RequestContext,
    attempt: LoginAttempt,
    userId: string | null,
    username: string,
  ): Promise<void> {
    await this.audit.record(ctx, {
      action: 'auth.login_failed',
      ...(userId ? { targetType: 'user', targetId: userId } : {}),
      detail: { username },
    });
    await this.throttle.failed(ctx, attempt, userId);
  }

  // ---- TOTP (RFC 6238) ----
  private totp(username: string, secret: OTPAuth.Secret) {
    return new OTPAuth.TOTP({
      issuer: 'Civitas',
      label: username,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret,
    });
  }

  /** Returns the time step the code belongs to, or null. A step at or before the last used one is a replay. */
  private checkTotp(
    username: string,
    secretEnc: string | null,
    code: string,
    lastStep: number | null,
  ): number | null {
    if (!secretEnc) return null;
    const secret = OTPAuth.Secret.fromBase32(this.cipher.decrypt(secretEnc, TOTP_AAD));
    const delta = this.totp(username, secret).validate({ token: code, window: 1 });
    if (delta === null) return null;
    const step = Math.floor(Date.now() / 30_000) + delta;
    if (lastStep !== null && step <= lastStep) return null;
    return step;
  }

  async beginTotp(ctx: RequestContext, actor: Actor): Promise<{ secret: string; otpauthUrl: string }> {
    if (actor.mfaEnabled) throw new AppError(409, 'mfa_already_enabled', 'Two-factor sign-in is already on.');
    const secret = new OTPAuth.Secret({ size: 20 });
    await this.repo.setTotp(actor.userId, this.cipher.encrypt(secret.base32, TOTP_AAD), false);
    await this.audit.record(ctx, { action: 'auth.totp_setup', targetType: 'user', targetId: actor.userId });
    return { secret: secret.base32, otpauthUrl: this.totp(actor.username, secret).toString() };
  }

  /** A preference, not a security setting: no audit row; the access epoch moves with it (0008). */
  async setLocale(actor: Actor, locale: 'zh-CN' | 'en'): Promise<void> {
    if (actor.locale !== locale) await this.repo.setLocale(actor.userId, locale);
  }

  async confirmTotp(ctx: RequestContext, actor: Actor, code: string): Promise<void> {
    const user = await this.repo.findUserById(actor.userId);
    if (!user?.totp_secret_enc) throw badRequest('mfa_not_started', 'Start two-factor setup first.');
    if (user.totp_enabled)
      throw new AppError(409, 'mfa_already_enabled', 'Two-factor sign-in is already on.');
    const step = this.checkTotp(user.username, user.totp_secret_enc, code, null);
    if (step === null)
      throw badRequest('mfa_code_wrong', 'That code is not valid; check the clock of your device.');
    await this.repo.setTotp(actor.userId, user.totp_secret_enc, true);
    await this.repo.recordTotpStep(actor.userId, step);
    await this.audit.record(ctx, { action: 'auth.totp_enabled', targetType: 'user', targetId: actor.userId });
  }

  // ---- API tokens ----
  async createToken(ctx: RequestContext, actor: Actor, name: string, expiresInDays?: number) {
    if (!mayHoldApiTokens(actor)) throw forbidden('API tokens are for staff accounts.');
    const secret = `cvt_${randomBytes(32).toString('base64url')}`;
    const row = await this.repo.insertToken({
      userId: actor.userId,
      name,
      prefix: secret.slice(0, 12),
      hash: sha256(secret),
      expiresAt: expiresInDays ? new Date(Date.now() + expiresInDays * 86_400_000) : null,
    });
    await this.audit.record(ctx, {
      action: 'token.create',
      targetType: 'api_token',
      targetId: row.id,
      detail: { name },
    });
    return { row, token: secret };
  }

  /** Issues a token for a user by id, for the operator CLI (no HTTP actor involved). */
  async createTokenForUser(ctx: RequestContext, userId: string, name: string) {
    const secret = `cvt_${randomBytes(32).toString('base64url')}`;
    const row = await this.repo.insertToken({
      userId,
      name,
      prefix: secret.slice(0, 12),
      hash: sha256(secret),
      expiresAt: null,
    });
    await this.audit.record(ctx, {
      action: 'token.create',
      targetType: 'api_token',
      targetId: row.id,
      detail: { name, userId },
    });
    return { row, token: secret };
  }

  listTokens(actor: Actor) {
    return this.repo.listTokens(actor.userId);
  }

  async revokeToken(ctx: RequestContext, actor: Actor, tokenId: string): Promise<void> {
    if (!(await this.repo.revokeToken(actor.userId, tokenId))) throw notFound('API token');
    await this.audit.record(ctx, { action: 'token.revoke', targetType: 'api_token', targetId: tokenId });
  }
}

function deepFreeze(actor: Actor): Actor {
  for (const g of actor.grants) Object.freeze(Object.freeze(g).orgUnitName);
  Object.freeze(actor.grants);
  return Object.freeze(actor);
}
