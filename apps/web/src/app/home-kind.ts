import type { Me } from '@civitas/contracts/identity';

/**
 * Which home a user gets, from the roles the server granted (never the user name): the widest
 * office role wins, so a community admin who is also a grid worker opens on the community's inbox.
 */
export type HomeKind = 'office' | 'community' | 'grid' | 'resident' | 'other';

export function homeKindOf(me: Pick<Me, 'kind' | 'grants'>): HomeKind {
  if (me.kind === 'resident') return 'resident';
  const roles = new Set(me.grants.map((g) => g.role));
  if (roles.has('district_commander') || roles.has('street_officer')) return 'office';
  if (roles.has('community_admin') || roles.has('department_staff')) return 'community';
  if (roles.has('grid_worker')) return 'grid';
  return 'other';
}
