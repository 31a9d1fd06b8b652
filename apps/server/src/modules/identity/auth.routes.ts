import {
  apiTokenSummary,
  createApiToken,
  createdApiToken,
  loginRequest,
  loginResponse,
  me,
  totpConfirm,
  totpSetupResponse,
} from '@civitas/contracts/auth';
import { z } from 'zod';
import { SESSION_COOKIE } from '../../platform/http/access.js';
import type { App } from '../../platform/http/http-server.js';
import type { AuthService } from './auth.service.js';
import { presentMe, presentToken } from './identity.presenter.js';

const tags = ['auth'];
const meWithMfa = me.extend({ mfaEnrolmentRequired: z.boolean() });

export function registerAuthRoutes(
  app: App,
  auth: AuthService,
  cookie: { secure: boolean; maxAgeSeconds: number },
) {
  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: {
        tags,
        summary: 'Sign in with username and password (and a TOTP code when enabled)',
        body: loginRequest,
        response: {
          200: z.union([loginResponse.options[0].extend({ me: meWithMfa }), loginResponse.options[1]]),
        },
      },
    },
    async (req, reply) => {
      const out = await auth.login(req.ctx, req.body, req.headers['user-agent'] ?? null);
      if (out.status === 'mfa_required') return { status: 'mfa_required' as const };
      void reply.setCookie(SESSION_COOKIE, out.sessionToken, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: cookie.secure,
        maxAge: cookie.maxAgeSeconds,
      });
      return { status: 'ok' as const, me: presentMe(out.actor, auth.mfaEnrolmentRequired(out.actor)) };
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { config: { access: 'authenticated' }, schema: { tags } },
    async (req, reply) => {
      await auth.logout(req.ctx, req.cookies[SESSION_COOKIE]);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/auth/me',
    { config: { access: 'authenticated' }, schema: { tags, response: { 200: meWithMfa } } },
    async (req) => presentMe(req.actor!, auth.mfaEnrolmentRequired(req.actor!)),
  );

  app.post(
    '/api/v1/auth/totp/setup',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Start TOTP enrolment', response: { 200: totpSetupResponse } },
    },
    async (req) => auth.beginTotp(req.ctx, req.actor!),
  );

  app.post(
    '/api/v1/auth/totp/confirm',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Finish TOTP enrolment with a code', body: totpConfirm },
    },
    async (req, reply) => {
      await auth.confirmTotp(req.ctx, req.actor!, req.body.code);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/v1/auth/tokens',
    {
      config: { access: 'authenticated' },
      schema: { tags, response: { 200: z.object({ items: z.array(apiTokenSummary) }) } },
    },
    async (req) => ({ items: (await auth.listTokens(req.actor!)).map(presentToken) }),
  );

  app.post(
    '/api/v1/auth/tokens',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Create an API token for integrations (shown once)',
        body: createApiToken,
        response: { 201: createdApiToken },
      },
    },
    async (req, reply) => {
      const { row, token } = await auth.createToken(
        req.ctx,
        req.actor!,
        req.body.name,
        req.body.expiresInDays,
      );
      return reply.status(201).send({ ...presentToken(row), token });
    },
  );

  app.delete(
    '/api/v1/auth/tokens/:id',
    { config: { access: 'authenticated' }, schema: { tags, params: z.object({ id: z.uuid() }) } },
    async (req, reply) => {
      await auth.revokeToken(req.ctx, req.actor!, req.params.id);
      return reply.status(204).send();
    },
  );
}
