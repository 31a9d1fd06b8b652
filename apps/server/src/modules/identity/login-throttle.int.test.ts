import * as OTPAuth from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { RateCounter } from '../../platform/rate-limit/rate-counter.js';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';
import { LoginThrottle } from './login-throttle.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    LOGIN_MAX_FAILURES: '3',
    LOGIN_SOURCE_MAX_FAILURES: '6',
    LOGIN_ACCOUNT_MAX_FAILURES: '5',
  });
});

const login = (from: string, username: string, password: string, totp?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: from,
    payload: { username, password, ...(totp ? { totp } : {}) },
  });

const count = async (table: 'sessions' | 'audit_log', where?: { action: string }) => {
  let q = t.services.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'));
  if (where && table === 'audit_log') q = q.where('action', '=', where.action);
  return Number((await q.executeTakeFirstOrThrow()).n);
};

const alerts = async () =>
  (
    await t.services.database.db
      .selectFrom('audit_log')
      .select(['detail', 'target_id'])
      .where('action', '=', 'security.alert')
      .orderBy('seq')
      .execute()
  ).map((r): Record<string, unknown> => ({ ...r.detail, targetId: r.target_id }));

describe('sign-in throttling per (account, source)', () => {
  it('refuses even the right password from the waiting source, creates no session, and lets other sources in', async () => {
    const a = '198.51.100.10';
    for (let i = 0; i < 3; i++) expect((await login(a, 'gw1', 'wrong-password')).statusCode).toBe(401);
    const sessions = await count('sessions');
    const logins = await count('audit_log', { action: 'auth.login' });
    const refused = await login(a, 'gw1', FIXTURE_PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    const retry = Number(refused.headers['retry-after']);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(refused.json()).toMatchObject({ code: 'login_throttled', retryAfterSeconds: retry });
    // A refusal stops the action: no cookie, no session, no sign-in recorded.
    expect(refused.cookies).toEqual([]);
    expect(await count('sessions')).toBe(sessions);
    expect(await count('audit_log', { action: 'auth.login' })).toBe(logins);
    // The owner elsewhere is not locked out.
    expect((await login('198.51.100.11', 'gw1', FIXTURE_PASSWORD)).statusCode).toBe(200);
    // One alert for the pair, however many attempts follow.
    await login(a, 'gw1', FIXTURE_PASSWORD);
    expect((await alerts()).filter((x) => x.scope === 'account_source' && x.username === 'gw1')).toEqual([
      expect.objectContaining({ kind: 'login_throttled', source: a, targetId: expect.any(String) }),
    ]);
  });

  it('treats unknown usernames exactly like real ones', async () => {
    const a = '198.51.100.20';
    const real = [];
    const ghost = [];
    for (let i = 0; i < 4; i++) real.push(await login(a, 'gw2', 'wrong-password'));
    for (let i = 0; i < 4; i++) ghost.push(await login(a, 'no-such-person', 'wrong-password'));
    expect(real.map((r) => r.statusCode)).toEqual([401, 401, 401, 429]);
    expect(ghost.map((r) => r.statusCode)).toEqual([401, 401, 401, 429]);
    expect(real[0]!.json().detail).toBe(ghost[0]!.json().detail);
    expect(real[3]!.json().detail).toBe(ghost[3]!.json().detail);
  });

  it('counts every address of one IPv6 /64 as one source', async () => {
    for (let i = 1; i <= 3; i++)
      expect((await login(`2001:db8:7:7::${i}`, 'ca1', 'wrong-password')).statusCode).toBe(401);
    expect((await login('2001:db8:7:7::99', 'ca1', FIXTURE_PASSWORD)).statusCode).toBe(429);
    expect((await login('2001:db8:7:8::1', 'ca1', FIXTURE_PASSWORD)).statusCode).toBe(200);
  });

  it('throttles TOTP codes the same way: after wrong codes even the right one waits', async () => {
    const c = await t.login('police');
    const setup = (await c.post('/api/v1/auth/totp/setup')).json();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.secret), digits: 6, period: 30 });
    expect((await c.post('/api/v1/auth/totp/confirm', { code: totp.generate() })).statusCode).toBe(204);
    const a = '198.51.100.30';
    const wrong = totp.generate() === '000000' ? '111111' : '000000';
    for (let i = 0; i < 3; i++)
      expect((await login(a, 'police', FIXTURE_PASSWORD, wrong)).statusCode).toBe(401);
    const next = totp.generate({ timestamp: Date.now() + 30_000 });
    expect((await login(a, 'police', FIXTURE_PASSWORD, next)).statusCode).toBe(429);
    expect((await login('198.51.100.31', 'police', FIXTURE_PASSWORD, next)).statusCode).toBe(200);
  });
});

describe('sign-in throttling across accounts and sources', () => {
  it('slows one source trying many accounts (credential stuffing)', async () => {
    const a = '198.51.100.40';
    const names = ['stuff-1', 'stuff-2', 'stuff-3', 'stuff-4', 'stuff-5', 'stuff-6'];
    for (const n of names) expect((await login(a, n, 'wrong-password')).statusCode).toBe(401);
    expect((await login(a, 'commander', FIXTURE_PASSWORD)).statusCode).toBe(429);
    expect((await login('198.51.100.41', 'commander', FIXTURE_PASSWORD)).statusCode).toBe(200);
    expect((await alerts()).filter((x) => x.scope === 'source' && x.source === a)).toHaveLength(1);
  });

  it('under a distributed attack gives each new source one try, and the owner still gets in', async () => {
    for (let i = 1; i <= 5; i++)
      expect((await login(`192.0.2.${i}`, 'auditor', 'wrong-password')).statusCode).toBe(401);
    expect((await alerts()).filter((x) => x.scope === 'account' && x.username === 'auditor')).toHaveLength(1);
    // A sixth address: one wrong guess, then it waits (it would have had three before).
    expect((await login('192.0.2.6', 'auditor', 'wrong-password')).statusCode).toBe(401);
    expect((await login('192.0.2.6', 'auditor', 'wrong-password')).statusCode).toBe(429);
    // The owner from yet another address signs in at the first try.
    expect((await login('192.0.2.7', 'auditor', FIXTURE_PASSWORD)).statusCode).toBe(200);
  });
});

describe('growing waits', () => {
  it('honouring Retry-After always gets the next attempt in, and the waits grow with persistence', async () => {
    let now = Date.UTC(2026, 5, 1, 8, 0, 0);
    const counter = new RateCounter(t.services.database.db, () => now);
    const throttle = new LoginThrottle(counter, t.services.audit, {
      maxFailures: 3,
      sourceMaxFailures: 1000,
      accountMaxFailures: 1000,
    });
    const ctx = { actor: null, requestId: 'growing-waits', ip: '203.0.113.77' };
    const waits: number[] = [];
    let failures = 0;
    let refusedInARow = 0;
    while (failures < 14) {
      try {
        const attempt = await throttle.admit(ctx.ip, 'patient-guesser');
        await throttle.failed(ctx, attempt, null);
        failures++;
        refusedInARow = 0;
      } catch (e) {
        const retry = (e as { extra: { body: { retryAfterSeconds: number } } }).extra.body.retryAfterSeconds;
        waits.push(retry);
        // Each wait is long enough: the attempt after it is admitted.
        expect(++refusedInARow).toBe(1);
        now += retry * 1000;
      }
    }
    expect(waits.length).toBeGreaterThan(3);
    // The first wait is the rest of the minute's window, rounded up (twice, by a second each).
    expect(waits[0]).toBeLessThanOrEqual(62);
    // Past 2N failures in a quarter hour the waits are minutes, past 4N in four hours longer still.
    expect(Math.max(...waits)).toBeGreaterThan(15 * 60);
    // Right after a failure past the allowance, the next attempt must wait again.
    const attempt = await throttle.admit(ctx.ip, 'patient-guesser').catch((e: unknown) => e);
    expect(attempt).toMatchObject({ status: 429 });
  });
});
