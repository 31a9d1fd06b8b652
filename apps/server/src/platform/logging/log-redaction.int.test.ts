import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';
import { createLogger } from './logger.js';

// The whole application with the production logger writing into memory, at the most talkative
// level: what an operator's log would hold after a sign-in and a device's readings (ADR 0035).
const lines: string[] = [];
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(
    {},
    { logger: createLogger('trace', { write: (s: string) => void lines.push(s) }) },
  );
});
afterAll(() => t.app.close());

describe('log lines', () => {
  it('hold no device token, password, session cookie or CSRF token, yet name the device by digest', async () => {
    const signIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '198.51.100.30',
      payload: { username: 'ca1', password: FIXTURE_PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
    const cookie = signIn.cookies.find((c) => c.name === 'civitas_session')!.value;
    const csrf = signIn.json<{ me: { csrfToken: string } }>().me.csrfToken;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: { cookie: `civitas_session=${cookie}`, 'x-csrf-token': csrf },
      payload: {
        code: 'LOG-0001',
        name: 'log probe',
        profile: 'air-quality',
        location: { type: 'Point', coordinates: [113.82, 22.55] },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, token } = created.json<{ id: string; token: string }>();
    for (const url of [`/api/v1/ingest/${token}/telemetry`, `/api/v1/${token}/telemetry`]) {
      const r = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        payload: '{"pm25":12}',
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    // A wrong password is logged no more than a right one.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'ca1', password: 'a-wrong-password-2026' },
    });

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [token, token.slice(4), FIXTURE_PASSWORD, 'a-wrong-password-2026', cookie, csrf]) {
      expect(log).not.toContain(secret);
    }
    // The line still says which device: the start of the digest stored for its token.
    const stored = await t.services.database.db
      .selectFrom('devices')
      .select('token_hash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const urls = lines
      .map((l) => JSON.parse(l) as { req?: { url?: string } })
      .flatMap((l) => (l.req?.url ? [l.req.url] : []));
    expect(urls).toContain(`/api/v1/ingest/[token#${stored.token_hash!.slice(0, 8)}]/telemetry`);
    expect(urls).toContain(`/api/v1/[token#${stored.token_hash!.slice(0, 8)}]/telemetry`);
  });
});
