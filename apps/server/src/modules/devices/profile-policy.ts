import type { Actor, Grant } from '../../platform/auth/actor.js';
import { grantsFor } from '../../platform/auth/access.js';
import { forbidden } from '../../platform/errors/errors.js';

/**
 * Device profiles are installation-wide, not per org unit: a profile describes a kind of device,
 * and every unit's devices of that kind share it. So only those who hold `device.write` on a root
 * unit (a district-level system administrator) may define, change or retire one; everyone with
 * `device.read` sees them all. The list endpoint answers the same check as `canDefine`, so the web
 * offers only what this allows (ADR 0041).
 */
export function profileGrant(actor: Actor): Grant | undefined {
  // A root unit's materialized path is "/<id>/".
  return grantsFor(actor, 'device.write').find((g) => g.orgUnitPath.split('/').length === 3);
}

export function assertMayDefineProfiles(actor: Actor): Grant {
  const grant = profileGrant(actor);
  if (!grant) throw forbidden('Only a device administrator of a root org unit may define device profiles.');
  return grant;
}
