import { rolePermissions, type Permission, type Role } from '@civitas/contracts/roles';

export interface Grant {
  role: Role;
  orgUnitId: string;
  orgUnitPath: string;
  orgUnitCode: string;
  orgUnitName: { 'zh-CN': string; en: string };
  department: string | null;
}

/** Who is calling: resolved once per request from the session cookie or the bearer token. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  kind: 'staff' | 'resident';
  locale: string;
  grants: Grant[];
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'token';
  sessionId: string | null;
  csrfToken: string | null;
  mfaEnabled: boolean;
  /**
   * The access epoch (migration 0008) under which this actor is known to be current for this
   * request, or null outside HTTP. Caches of access-derived data (list scopes) are valid for it only.
   */
  accessEpoch: number | null;
}

export function permissionsOf(grants: readonly Grant[]): Set<Permission> {
  return new Set(grants.flatMap((g) => rolePermissions[g.role]));
}

/** Request-scoped facts every service call that writes or reads personal data passes on to the audit log. */
export interface RequestContext {
  actor: Actor | null;
  requestId: string;
  ip: string;
}
