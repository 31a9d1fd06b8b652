import { boundaryGeometry, localizedName, type BoundaryGeometry } from '@civitas/contracts/common';
import { createUser } from '@civitas/contracts/identity';
import { orgUnitCode } from '@civitas/contracts/orgs';
import { z } from 'zod';
import type { RequestContext } from '../platform/auth/actor.js';
import { hashPassword } from '../modules/identity/password.js';
import type { Services } from '../services.js';

/** A setup step that cannot go on; the message says why and what to do instead. */
export class SetupError extends Error {}

/** What `civitas init` needs: the root district and its first system administrator. */
export const firstInstall = z.object({
  code: orgUnitCode,
  name: localizedName,
  boundary: boundaryGeometry.nullable(),
  // The same rules as a user created in the web.
  admin: createUser.pick({ username: true, displayName: true, password: true }),
});
export type FirstInstall = z.infer<typeof firstInstall>;

/**
 * Reads a boundary from a GeoJSON file: a Polygon or MultiPolygon, a Feature holding one, or a
 * FeatureCollection of exactly one such Feature. Says what it found when it is none of these.
 */
export function boundaryFromGeoJson(text: string, source: string): BoundaryGeometry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SetupError(`${source}: not JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new SetupError(`${source}: not a GeoJSON object`);
  let g = json as { type?: unknown; geometry?: unknown; features?: unknown[] };
  if (g.type === 'FeatureCollection') {
    const n = Array.isArray(g.features) ? g.features.length : 0;
    if (n !== 1)
      throw new SetupError(
        `${source}: a FeatureCollection of ${n} features; the root boundary needs exactly one`,
      );
    g = g.features![0] as typeof g;
  }
  if (g?.type === 'Feature') g = g.geometry as typeof g;
  const parsed = boundaryGeometry.safeParse(g);
  if (!parsed.success)
    throw new SetupError(
      `${source}: not a Polygon or MultiPolygon (found ${typeof g?.type === 'string' ? g.type : 'nothing'})`,
    );
  return parsed.data;
}

/**
 * Sets up an empty installation in one transaction: the root district and the first system
 * administrator, who holds the role on it. Refused once any root unit exists, so it cannot be
 * used to slip a second administrator in; later users come from `civitas user create` or the web.
 */
export async function initialise(
  services: Services,
  ctx: RequestContext,
  input: FirstInstall,
): Promise<{ unitId: string; userId: string }> {
  const roots = await services.orgs.roots();
  if (roots.length > 0)
    throw new SetupError(
      `this installation is already set up (root unit ${roots.map((r) => r.code).join(', ')}); ` +
        'add users with `civitas user create` and units in the web or with an org tree import',
    );
  if (await services.users.findByUsername(input.admin.username))
    throw new SetupError(`--admin: ${input.admin.username} is already taken`);
  const passwordHash = await hashPassword(input.admin.password);
  return services.database.db.transaction().execute(async (trx) => {
    const unit = await services.orgs.insertUnit(
      trx,
      ctx,
      { code: input.code, type: 'district', name: input.name, parentId: null, boundary: input.boundary },
      undefined,
    );
    const userId = await services.users.insertWithin(
      trx,
      ctx,
      {
        username: input.admin.username,
        displayName: input.admin.displayName,
        kind: 'staff',
        passwordHash,
        grants: [{ role: 'system_admin', orgUnitId: unit.id, department: null }],
      },
      { grants: [{ role: 'system_admin', unit: unit.code }], via: 'civitas init' },
    );
    return { unitId: unit.id, userId };
  });
}
