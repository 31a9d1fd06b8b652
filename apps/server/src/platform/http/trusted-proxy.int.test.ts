import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';

// The whole application with TRUST_PROXY naming one proxy network (ADR 0035): what a forged
// X-Forwarded-* header does from a client, and what the same headers do from the proxy.
const PROXY = '10.20.30.40';
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ TRUST_PROXY: '10.0.0.0/8,::1', LOGIN_MAX_FAILURES: '3' });
});

const login = (peer: string, username: string, password: string, forwardedFor?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: peer,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    payload: { username, password },
  });

const auditIps = async (action: string, requestIds: string[]) =>
  (
    await t.services.database.db
      .selectFrom('audit_log')
      .select('ip')
      .where('action', '=', action)
      .where('request_id', 'in', requestIds)
      .orderBy('seq')
      .execute()
  ).map((r) => r.ip);

const sessions = async () =>
  Number(
    (
      await t.services.database.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('X-Forwarded-For from a peer not in TRUST_PROXY', () => {
  it('changes nothing: the sign-in limit bites on the real address and the audit log records it', async () => {
    const client = '198.51.100.7';
    const answers = [];
    // A fresh forged address on every try, as the 35 unthrottled sign-ins of issue 10 did.
    for (let i = 1; i <= 5; i++) answers.push(await login(client, 'gw1', 'wrong-password', `203.0.113.${i}`));
    expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 401, 429, 429]);
    const ids = answers.slice(0, 3).map((r) => String(r.headers['x-request-id']));
    expect(await auditIps('auth.login_failed', ids)).toEqual([client, client, client]);

    // The right password from the waiting address, under yet another forged one: refused, no session.
    const before = await sessions();
    const refused = await login(client, 'gw1', FIXTURE_PASSWORD, '203.0.113.99');
    expect(refused.statusCode).toBe(429);
    expect(refused.cookies).toEqual([]);
    expect(await sessions()).toBe(before);
  });
});

describe('X-Forwarded-For from a proxy in TRUST_PROXY', () => {
  it('names the client: each proxied client is counted and audited at its own address', async () => {
    const a = '192.0.2.10';
    const b = '192.0.2.11';
    const fromA = [];
    for (let i = 0; i < 4; i++) fromA.push(await login(PROXY, 'gw2', 'wrong-password', a));
    expect(fromA.map((r) => r.statusCode)).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy is not held back by A's failures.
    const ok = await login(PROXY, 'gw2', FIXTURE_PASSWORD, `198.51.100.200, ${b}`);
    expect(ok.statusCode).toBe(200);
    expect(await auditIps('auth.login', [String(ok.headers['x-request-id'])])).toEqual([b]);
    expect(
      await auditIps(
        'auth.login_failed',
        fromA.map((r) => String(r.headers['x-request-id'])),
      ),
    ).toEqual([a, a, a]);
  });
});

describe('Open311 discovery behind a proxy', () => {
  const discovery = (peer: string, headers: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: '/open311/discovery.json', remoteAddress: peer, headers });
  const endpointUrl = async (peer: string, headers: Record<string, string>) => {
    const r = await discovery(peer, headers);
    expect(r.statusCode, r.body).toBe(200);
    return r.json<{ endpoints: { url: string }[] }>().endpoints[0]!.url;
  };
  const forwarded = {
    host: '10.20.30.41:8080',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'civitas.example.org',
  };

  it('gives https URLs when the trusted proxy says the client came over HTTPS', async () => {
    expect(await endpointUrl(PROXY, forwarded)).toBe('https://civitas.example.org/open311/v2');
    expect(await endpointUrl('::1', { ...forwarded, 'x-forwarded-proto': 'http, https' })).toBe(
      'https://civitas.example.org/open311/v2',
    );
  });

  it('ignores those headers from anyone else', async () => {
    expect(await endpointUrl('198.51.100.7', forwarded)).toBe('http://10.20.30.41:8080/open311/v2');
  });

  it('puts no foreign scheme or markup into the URL', async () => {
    expect(await endpointUrl(PROXY, { ...forwarded, 'x-forwarded-proto': 'javascript' })).toBe(
      'http://civitas.example.org/open311/v2',
    );
    const r = await discovery('198.51.100.7', { host: 'evil"><x' });
    expect(r.statusCode).toBe(400);
    expect(r.body).not.toContain('evil');
  });
});
