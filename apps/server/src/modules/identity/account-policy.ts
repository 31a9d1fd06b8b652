import type { UserAction } from '@civitas/contracts/identity';
import { mayGrantRole, rolePermissions, type Permission, type Role } from '@civitas/contracts/roles';
import { grantCovering, grantsFor } from '../../platform/auth/access.js';
import type { Actor, Grant } from '../../platform/auth/actor.js';

/**
 * Who may recover or change which account (ADR 0044). The users list asks these same functions
 * what to offer, so the web never shows an action the server refuses.
 */

/** The actor holds user.write over every unit the account has a grant on: the whole account is theirs. */
export function manages(actor: Actor, targetGrants: readonly Grant[]): boolean {
  return (
    targetGrants.length > 0 && targetGrants.every((g) => grantCovering(actor, 'user.write', g.orgUnitPath))
  );
}

/** The permissions the actor holds over the unit at `unitPath` (grants on it or above it). */
export function permissionsOver(actor: Actor, unitPath: string): Set<Permission> {
  return new Set(
    actor.grants.filter((g) => unitPath.startsWith(g.orgUnitPath)).flatMap((g) => rolePermissions[g.role]),
  );
}

/** Granting `role` on the unit at `unitPath`: user.write there and every control permission of the role. */
export function mayGrant(actor: Actor, role: Role, unitPath: string): boolean {
  return grantsFor(actor, 'user.write').length > 0 && mayGrantRole(permissionsOver(actor, unitPath), role);
}

/**
 * What the actor may do to the account. On their own account an administrator may only give up
 * grants (changing their password and two-factor setup is done on the account page instead).
 */
export function userActionsFor(
  actor: Actor,
  target: { id: string; disabled: boolean; mfaEnabled: boolean },
  targetGrants: readonly Grant[],
): UserAction[] {
  if (!manages(actor, targetGrants)) return [];
  if (target.id === actor.userId) return ['change_grants'];
  const out: UserAction[] = ['password_reset'];
  if (target.mfaEnabled) out.push('mfa_reset');
  out.push('unlock', target.disabled ? 'enable' : 'disable', 'change_grants');
  return out;
}

type GrantKey = { role: string; orgUnitId: string; department: string | null };
const key = (g: GrantKey) => `${g.role}|${g.orgUnitId}|${g.department ?? ''}`;

/** Grants in `after` that `before` lacked, and whether any grant of `before` is gone (a downgrade). */
export function grantChanges<G extends GrantKey>(
  before: readonly GrantKey[],
  after: readonly G[],
): { added: G[]; removedAny: boolean } {
  const had = new Set(before.map(key));
  const has = new Set(after.map(key));
  return { added: after.filter((g) => !had.has(key(g))), removedAny: before.some((g) => !has.has(key(g))) };
}
