import { z } from 'zod';
import { department, role, roleGrant } from './roles.js';

export const loginRequest = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(1000),
  totp: z
    .string()
    .regex(/^\d{6}$/, 'six digits')
    .optional(),
});
export type LoginRequest = z.infer<typeof loginRequest>;

export const userKind = z.enum(['staff', 'resident']);

export const me = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  kind: userKind,
  grants: z.array(roleGrant),
  permissions: z.array(z.string()),
  mfaEnabled: z.boolean(),
  csrfToken: z.string(),
  locale: z.enum(['zh-CN', 'en']),
});
export type Me = z.infer<typeof me>;

export const loginResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ok'), me }),
  z.object({ status: z.literal('mfa_required') }),
]);
export type LoginResponse = z.infer<typeof loginResponse>;

export const passwordPolicy = z
  .string()
  .min(12, 'at least 12 characters')
  .max(200)
  .refine((p) => new Set(p).size >= 5, 'too few distinct characters');

export const grantInput = z.object({
  role,
  orgUnitId: z.uuid(),
  department: department.nullable().default(null),
});

export const createUser = z.object({
  username: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, ".", "_" or "-", 3 to 64 characters'),
  displayName: z.string().trim().min(1).max(100),
  kind: userKind.default('staff'),
  password: passwordPolicy,
  grants: z.array(grantInput).min(1).max(20),
});
export type CreateUser = z.infer<typeof createUser>;

/** An administrator's password reset: a temporary password they chose, or none to have one generated. */
export const passwordResetRequest = z.object({ password: passwordPolicy.optional() });
export const passwordResetResponse = z.object({
  temporaryPassword: z
    .string()
    .nullable()
    .describe('the generated password, shown once; null when the administrator chose it'),
});
/** The whole new set of grants of an account (role and unit changes). */
export const setGrants = z.object({ grants: z.array(grantInput).min(1).max(20) });
export type SetGrants = z.infer<typeof setGrants>;
/** The signed-in user's own password change (required after an administrator's reset). */
export const changePassword = z.object({
  currentPassword: z.string().min(1).max(1000),
  newPassword: passwordPolicy,
});

/** What the caller may do to an account, from the server's own policy (ADR 0044). */
export const userActions = [
  'password_reset',
  'mfa_reset',
  'unlock',
  'disable',
  'enable',
  'change_grants',
] as const;
export const userAction = z.enum(userActions);
export type UserAction = z.infer<typeof userAction>;

export const userSummary = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  kind: userKind,
  disabled: z.boolean(),
  mfaEnabled: z.boolean(),
  passwordChangeRequired: z.boolean(),
  grants: z.array(roleGrant),
  createdAt: z.string(),
  actions: z.array(userAction),
});
export type UserSummary = z.infer<typeof userSummary>;

export const totpSetupResponse = z.object({ secret: z.string(), otpauthUrl: z.string() });
/** The language a person reads: the web's, and the one channels that need text write in (ADR 0048). */
export const userLocale = z.enum(['zh-CN', 'en']);
export const setLocale = z.object({ locale: userLocale });

export const totpConfirm = z.object({ code: z.string().regex(/^\d{6}$/, 'six digits') });

export const createApiToken = z.object({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export const apiTokenSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const createdApiToken = apiTokenSummary.extend({
  token: z.string().describe('shown once; only its hash is stored'),
});

/** The members a 429 `login_throttled` problem carries besides the standard ones. */
export const loginThrottled = z.object({
  code: z.literal('login_throttled'),
  retryAfterSeconds: z.number().int().min(1),
});

/**
 * API tokens are for staff who connect an integration (a hotline bridge, a report script). A
 * resident has nothing to integrate, and a long-lived bearer secret on a resident's account is a
 * risk without a use; the server refuses to create one and the account page does not offer it.
 */
export function mayHoldApiTokens(user: { kind: z.infer<typeof userKind> }): boolean {
  return user.kind === 'staff';
}
