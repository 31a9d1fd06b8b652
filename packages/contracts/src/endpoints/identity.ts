import { z } from 'zod';
import {
  apiTokenSummary,
  changePassword,
  createApiToken,
  createdApiToken,
  createUser,
  loginRequest,
  loginResponse,
  me,
  passwordResetRequest,
  passwordResetResponse,
  setGrants,
  setLocale,
  totpConfirm,
  totpSetupResponse,
  userSummary,
} from '../identity.js';
import { idParams, page, pageQuery } from '../common.js';
import { defineEndpoint } from '../endpoint.js';

const tags = ['auth'];
/**
 * The signed-in user, whether an administrator must still enrol a second factor, and whether the
 * password is a temporary one that must be changed before any permission applies (ADR 0044).
 */
export const meWithMfa = me.extend({
  mfaEnrolmentRequired: z.boolean(),
  passwordChangeRequired: z.boolean(),
});
export type MeWithMfa = z.infer<typeof meWithMfa>;

export const authEndpoints = {
  login: defineEndpoint({
    method: 'POST',
    path: '/api/v1/auth/login',
    tags,
    summary: 'Sign in with username and password (and a TOTP code when enabled)',
    body: loginRequest,
    responses: {
      200: z.union([loginResponse.options[0].extend({ me: meWithMfa }), loginResponse.options[1]]),
    },
    errors: ['invalid_credentials', 'login_throttled', 'mfa_code_wrong'],
  }),
  logout: defineEndpoint({
    method: 'POST',
    path: '/api/v1/auth/logout',
    tags,
    responses: { 204: 'empty' },
    errors: [],
  }),
  me: defineEndpoint({
    method: 'GET',
    path: '/api/v1/auth/me',
    tags,
    responses: { 200: meWithMfa },
    errors: [],
  }),
  totpSetup: defineEndpoint({
    method: 'POST',
    path: '/api/v1/auth/totp/setup',
    tags,
    summary: 'Start TOTP enrolment',
    responses: { 200: totpSetupResponse },
    errors: ['mfa_already_enabled'],
  }),
  setLocale: defineEndpoint({
    method: 'PUT',
    path: '/api/v1/auth/locale',
    tags,
    summary: 'Set the language you read; messages to you are written in it',
    body: setLocale,
    responses: { 204: 'empty' },
    errors: [],
  }),
  totpConfirm: defineEndpoint({
    method: 'POST',
    path: '/api/v1/auth/totp/confirm',
    tags,
    summary: 'Finish TOTP enrolment with a code',
    body: totpConfirm,
    responses: { 204: 'empty' },
    errors: ['mfa_not_started', 'mfa_code_wrong', 'mfa_already_enabled'],
  }),
  changePassword: defineEndpoint({
    method: 'POST',
    path: '/api/v1/auth/password',
    tags,
    summary: 'Change your own password (ends your other sessions)',
    body: changePassword,
    responses: { 204: 'empty' },
    errors: ['password_wrong', 'password_unchanged'],
  }),
  tokens: defineEndpoint({
    method: 'GET',
    path: '/api/v1/auth/tokens',
    tags,
    responses: { 200: z.object({ items: z.array(apiTokenSummary) }) },
    errors: [],
  }),
  createToken: defineEndpoint({
    method: 'POST',
    path: '/api/v1/auth/tokens',
    tags,
    summary: 'Create an API token for integrations (shown once); staff accounts only',
    body: createApiToken,
    responses: { 201: createdApiToken },
    errors: ['forbidden'],
  }),
  revokeToken: defineEndpoint({
    method: 'DELETE',
    path: '/api/v1/auth/tokens/:id',
    tags,
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
};

const userTags = ['users'];
export const userEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/users',
    tags: userTags,
    query: pageQuery,
    responses: { 200: page(userSummary) },
    errors: [],
  }),
  create: defineEndpoint({
    method: 'POST',
    path: '/api/v1/users',
    tags: userTags,
    body: createUser,
    responses: { 201: z.object({ id: z.uuid() }) },
    errors: ['username_taken', 'unit_not_found', 'unit_retired', 'department_required', 'role_not_grantable'],
  }),
  disable: defineEndpoint({
    method: 'POST',
    path: '/api/v1/users/:id/disable',
    tags: userTags,
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found', 'cannot_disable_self', 'last_system_admin'],
  }),
  enable: defineEndpoint({
    method: 'POST',
    path: '/api/v1/users/:id/enable',
    tags: userTags,
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  passwordReset: defineEndpoint({
    method: 'POST',
    path: '/api/v1/users/:id/password-reset',
    tags: userTags,
    summary: 'Set a temporary password (the user must change it at next sign-in); ends their sessions',
    params: idParams,
    body: passwordResetRequest,
    responses: { 200: passwordResetResponse },
    errors: ['not_found'],
  }),
  mfaReset: defineEndpoint({
    method: 'POST',
    path: '/api/v1/users/:id/mfa-reset',
    tags: userTags,
    summary: 'Turn two-factor sign-in off so the user enrols again; ends their sessions',
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  unlock: defineEndpoint({
    method: 'POST',
    path: '/api/v1/users/:id/unlock',
    tags: userTags,
    summary: "Clear the sign-in throttle of the account (every source's count on it)",
    params: idParams,
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  setGrants: defineEndpoint({
    method: 'PUT',
    path: '/api/v1/users/:id/grants',
    tags: userTags,
    summary: 'Replace the roles and units of an account; a downgrade ends their sessions',
    params: idParams,
    body: setGrants,
    responses: { 204: 'empty' },
    errors: [
      'not_found',
      'unit_not_found',
      'unit_retired',
      'department_required',
      'role_not_grantable',
      'cannot_change_own_roles',
      'last_system_admin',
    ],
  }),
};
