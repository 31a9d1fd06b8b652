import { authEndpoints as e } from '@civitas/contracts/endpoints/identity';
import { SESSION_COOKIE } from '../../platform/http/access.js';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { AuthService } from './auth.service.js';
import { presentMe, presentToken } from './identity.presenter.js';

export function registerAuthRoutes(
  app: App,
  auth: AuthService,
  cookie: { secure: boolean; maxAgeSeconds: number },
) {
  route(
    app,
    e.login,
    'public',
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
      return {
        status: 'ok' as const,
        me: presentMe(
          out.actor,
          auth.mfaEnrolmentRequired(out.actor),
          await auth.passwordChangeRequired(out.actor),
        ),
      };
    },
    { rateLimit: { max: 30, timeWindow: '1 minute' } },
  );
  route(app, e.logout, 'authenticated', async (req, reply) => {
    await auth.logout(req.ctx, req.cookies[SESSION_COOKIE]);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
  });
  route(app, e.me, 'authenticated', async (req) =>
    presentMe(req.actor, auth.mfaEnrolmentRequired(req.actor), await auth.passwordChangeRequired(req.actor)),
  );
  route(
    app,
    e.changePassword,
    'authenticated',
    async (req) => {
      await auth.changePassword(req.ctx, req.actor, req.body.currentPassword, req.body.newPassword);
    },
    // Each try costs an argon2 run and guesses the current password: few per minute.
    { rateLimit: { max: 10, timeWindow: '1 minute' } },
  );
  route(app, e.setLocale, 'authenticated', async (req) => {
    await auth.setLocale(req.actor, req.body.locale);
  });
  route(app, e.totpSetup, 'authenticated', async (req) => auth.beginTotp(req.ctx, req.actor));
  route(app, e.totpConfirm, 'authenticated', async (req) => {
    await auth.confirmTotp(req.ctx, req.actor, req.body.code);
  });
  route(app, e.tokens, 'authenticated', async (req) => ({
    items: (await auth.listTokens(req.actor)).map(presentToken),
  }));
  route(app, e.createToken, 'authenticated', async (req) => {
    const { row, token } = await auth.createToken(req.ctx, req.actor, req.body.name, req.body.expiresInDays);
    return { ...presentToken(row), token };
  });
  route(app, e.revokeToken, 'authenticated', async (req) => {
    await auth.revokeToken(req.ctx, req.actor, req.params.id);
  });
}
