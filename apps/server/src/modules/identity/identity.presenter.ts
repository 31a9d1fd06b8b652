import type { Me, UserAction, UserSummary } from '@civitas/contracts/identity';
import type { Actor, Grant } from '../../platform/auth/actor.js';
import type { UserRow } from './identity.tables.js';

export const presentGrant = (g: Grant) => ({
  role: g.role,
  orgUnitId: g.orgUnitId,
  orgUnitCode: g.orgUnitCode,
  orgUnitName: g.orgUnitName,
  department: g.department as never,
});

export function presentMe(
  a: Actor,
  mfaEnrolmentRequired: boolean,
  passwordChangeRequired: boolean,
): Me & { mfaEnrolmentRequired: boolean; passwordChangeRequired: boolean } {
  return {
    id: a.userId,
    username: a.username,
    displayName: a.displayName,
    kind: a.kind,
    grants: a.grants.map(presentGrant),
    permissions: [...a.permissions].sort(),
    mfaEnabled: a.mfaEnabled,
    mfaEnrolmentRequired,
    passwordChangeRequired,
    csrfToken: a.csrfToken ?? '',
    locale: a.locale === 'en' ? 'en' : 'zh-CN',
  };
}

export function presentUser(u: UserRow, grants: Grant[], actions: UserAction[]): UserSummary {
  return {
    id: u.id,
    username: u.username,
    displayName: u.display_name,
    kind: u.kind,
    disabled: u.disabled_at !== null,
    mfaEnabled: u.totp_enabled,
    passwordChangeRequired: u.password_must_change,
    grants: grants.map(presentGrant),
    createdAt: u.created_at.toISOString(),
    actions,
  };
}

export const presentToken = (t: {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  createdAt: t.created_at.toISOString(),
  lastUsedAt: t.last_used_at?.toISOString() ?? null,
  expiresAt: t.expires_at?.toISOString() ?? null,
  revokedAt: t.revoked_at?.toISOString() ?? null,
});
