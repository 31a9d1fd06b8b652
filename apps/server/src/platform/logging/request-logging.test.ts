import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { unauthenticated } from '../errors/errors.js';
import { createHttpServer, type App } from '../http/http-server.js';
import { createLogger } from './logger.js';

const token = 'cvd_Q2hhbmdlTWUtdGhpcy1pcy1hLXRva2Vu';
const apikey = 'k3n9x0q7w2e5r8t1y4u6i9o0p2a5';
const lines: string[] = [];
let app: App;

// The real HTTP server and logger, writing into memory: what an operator's log file would hold.
beforeAll(async () => {
  app = await createHttpServer({
    logger: createLogger('trace', { write: (s: string) => void lines.push(s) }),
    authenticator: { authenticate: () => Promise.resolve(null) },
    bodyLimit: 1_048_576,
    uploadLimit: 1_048_576,
    version: 'test',
    webRoot: null,
  });
  app.post(
    '/api/v1/ingest/:token/telemetry',
    { config: { access: 'public' }, schema: { params: z.object({ token: z.string() }) } },
    async () => {
      throw unauthenticated('Unknown or revoked device token.');
    },
  );
  app.post(
    '/iot/json',
    { config: { access: 'public' }, schema: { querystring: z.object({ k: z.string(), i: z.string() }) } },
    async () => ({ ok: true }),
  );
  await app.ready();
});
afterAll(() => app.close());

describe('request logs and error bodies', () => {
  it('never hold a device token, an API key or a phone number from the URL', async () => {
    const matched = await app.inject({
      method: 'POST',
      url: `/api/v1/ingest/${token}/telemetry`,
      payload: {},
    });
    expect(matched.statusCode).toBe(401);
    expect(matched.json().instance).toBe('/api/v1/ingest/[token#493f8b48]/telemetry');
    const unmatched = await app.inject({ method: 'POST', url: `/api/v1/${token}/telemetry`, payload: {} });
    expect(unmatched.statusCode).toBe(404);
    expect(unmatched.body).not.toContain(token);
    expect(unmatched.json()).toMatchObject({
      instance: '/api/v1/[token#493f8b48]/telemetry',
      detail: 'No route for POST /api/v1/[token#493f8b48]/telemetry.',
    });
    await app.inject({ method: 'POST', url: `/iot/json?k=${apikey}&i=dev-1`, payload: {} });
    await app.inject({ method: 'GET', url: '/api/v1/residents?phone=13812345678' });

    const log = lines.join('');
    for (const secret of [token, apikey, '13812345678']) expect(log).not.toContain(secret);
    const urls = lines
      .map((l) => JSON.parse(l) as { req?: { url: string } })
      .flatMap((l) => (l.req ? [l.req.url] : []));
    expect(urls).toEqual([
      '/api/v1/ingest/[token#493f8b48]/telemetry',
      '/api/v1/[token#493f8b48]/telemetry',
      '/iot/json?k=[k#e8645d07]&i=dev-1',
      '/api/v1/residents?phone=[redacted]',
    ]);
  });
});
