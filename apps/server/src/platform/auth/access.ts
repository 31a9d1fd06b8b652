import { rolePermissions, type Permission } from '@civitas/contracts/roles';
import { forbidden, notFound } from '../errors/errors.js';
import type { Actor, Grant } from './actor.js';

/**
 * Object-level authorization. A grant on a unit holds for the unit's subtree, which the
 * materialized path makes a prefix test. Every service checks records through here.
 */
export function grantsFor(actor: Actor, permission: Permission): Grant[] {
  return actor.grants.filter((g) => rolePermissions[g.role].includes(permission));
}

/** The unit paths under which the actor holds `permission`; repositories filter lists by these. */
export function scopePaths(actor: Actor, permission: Permission): string[] {
  const paths = grantsFor(actor, permission).map((g) => g.orgUnitPath);
  // Drop paths nested inside another path of the set: they add nothing to a prefix filter.
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(q)));
}

export function grantCovering(actor: Actor, permission: Permission, unitPath: string): Grant | undefined {
  return grantsFor(actor, permission).find((g) => unitPath.startsWith(g.orgUnitPath));
}

export function requirePermission(actor: Actor, permission: Permission): void {
  if (!actor.permissions.has(permission)) throw forbidden();
}

/**
 * Checks that the actor holds `permission` on the unit at `unitPath`. When `hideExistence` is
 * set, an out-of-scope record answers 404, as if it did not exist (for personal records, whose
 * existence itself must not leak).
 */
export function assertCovers(
  actor: Actor,
  permission: Permission,
  unitPath: string,
  what: string,
  hideExistence = true,
): Grant {
  const grant = grantCovering(actor, permission, unitPath);
  if (grant) return grant;
  if (hideExistence) throw notFound(what);
  throw forbidden();
}
