import * as OTPAuth from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
});

const login = (username: string, password: string, totp?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password, ...(totp ? { totp } : {}) },
  });

describe('sign-in', () => {
  it('sets an httpOnly SameSite=Strict cookie and returns the caller with a CSRF token', async () => {
    const res = await login('gw1', FIXTURE_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'civitas_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    const body = res.json();
    expect(body.me.username).toBe('gw1');
    expect(body.me.grants[0].role).toBe('grid_worker');
    expect(body.me.permissions).toContain('resident.read');
    expect(body.me.csrfToken).toMatch(/.{20,}/);
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const a = await login('ca2', 'wrong-password-1');
    const b = await login('nobody-here', 'wrong-password-1');
    expect(a.statusCode).toBe(401);
    expect(b.statusCode).toBe(401);
    expect(a.json().detail).toBe(b.json().detail);
    expect(a.json().code).toBe('invalid_credentials');
    expect(a.headers['content-type']).toContain('application/problem+json');
  });

  it('throttles a source that keeps failing without locking the account (more in login-throttle)', async () => {
    for (let i = 0; i < 3; i++) expect((await login('street1', 'nope-nope-nope')).statusCode).toBe(401);
    const res = await login('street1', FIXTURE_PASSWORD);
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe('login_throttled');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    const elsewhere = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '203.0.113.50',
      payload: { username: 'street1', password: FIXTURE_PASSWORD },
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  it('rejects a bad body with a 400 naming the field', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.password');
  });
});

describe('sessions', () => {
  it('require the CSRF header for writes made with the cookie', async () => {
    const c = await t.login('ca1');
    const noHeader = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: { cookie: c.cookie },
      payload: { name: 'x' },
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json().code).toBe('csrf_failed');
    expect((await c.post('/api/v1/auth/tokens', { name: 'x' })).statusCode).toBe(201);
  });

  it('end at once when the user is disabled', async () => {
    const victim = await t.login('gw2');
    expect((await victim.get('/api/v1/auth/me')).statusCode).toBe(200);
    const users = await t.services.users.findByUsername('gw2');
    const ca = await t.login('admin');
    // system_admin holds user.write on the district
    expect((await ca.post(`/api/v1/users/${users!.id}/disable`)).statusCode).toBe(204);
    expect((await victim.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login('gw2', FIXTURE_PASSWORD)).statusCode).toBe(401);
    expect((await ca.post(`/api/v1/users/${users!.id}/enable`)).statusCode).toBe(204);
    expect((await login('gw2', FIXTURE_PASSWORD)).statusCode).toBe(200);
  });

  it('end on logout', async () => {
    const c = await t.login('commander');
    expect((await c.post('/api/v1/auth/logout')).statusCode).toBe(204);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
  });
});

describe('API tokens', () => {
  it('authenticate integrations, are stored hashed, and stop working when revoked', async () => {
    const c = await t.login('ca1');
    const created = (await c.post('/api/v1/auth/tokens', { name: 'hotline bridge' })).json();
    expect(created.token).toMatch(/^cvt_/);
    const stored = await t.services.database.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(created.token);
    const asToken = () =>
      t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/me',
        headers: { authorization: `Bearer ${created.token}` },
      });
    expect((await asToken()).json().username).toBe('ca1');
    // Bearer writes need no CSRF header: no browser attaches bearer tokens on its own.
    const w = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/tokens',
      headers: { authorization: `Bearer ${created.token}` },
      payload: { name: 'y' },
    });
    expect(w.statusCode).toBe(201);
    expect((await c.delete(`/api/v1/auth/tokens/${created.id}`)).statusCode).toBe(204);
    expect((await asToken()).statusCode).toBe(401);
  });
});

describe('TOTP', () => {
  it('enrols, then demands and checks a code, refusing a replay', async () => {
    const c = await t.login('police');
    const setup = (await c.post('/api/v1/auth/totp/setup')).json();
    const totp = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(setup.secret),
      digits: 6,
      period: 30,
      algorithm: 'SHA1',
    });
    expect(
      (
        await c.post('/api/v1/auth/totp/confirm', {
          code: '000000' === totp.generate() ? '111111' : '000000',
        })
      ).statusCode,
    ).toBe(400);
    const enrolCode = totp.generate();
    expect((await c.post('/api/v1/auth/totp/confirm', { code: enrolCode })).statusCode).toBe(204);
    expect((await login('police', FIXTURE_PASSWORD)).json()).toEqual({ status: 'mfa_required' });
    // The code used for enrolment cannot be replayed to sign in.
    expect((await login('police', FIXTURE_PASSWORD, enrolCode)).statusCode).toBe(401);
    const next = totp.generate({ timestamp: Date.now() + 30_000 });
    expect((await login('police', FIXTURE_PASSWORD, next)).statusCode).toBe(200);
  });

  it('is required for system admins outside demo mode before any admin permission applies', async () => {
    const strict = await createTestApp({ REQUIRE_ADMIN_MFA: 'true' });
    const admin = await strict.login('admin');
    const me = (await admin.get('/api/v1/auth/me')).json();
    expect(me.mfaEnrolmentRequired).toBe(true);
    expect(me.permissions).toEqual([]);
    expect((await admin.get('/api/v1/org-units')).statusCode).toBe(403);
  });
});
