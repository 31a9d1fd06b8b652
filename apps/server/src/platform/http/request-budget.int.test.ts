import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';
import { createHttpServer, type App } from './http-server.js';

/**
 * The per-request time budget (ADR 0019) on a real Fastify server built by createHttpServer. The
 * routes here stand for handlers that take long; what is tested is the platform around them.
 */
let t: TestApp;
let app: App;
let slowExit!: Promise<'stopped' | 'finished'>;

beforeAll(async () => {
  t = await createTestApp({ REQUEST_TIMEOUT_MS: '1500' });
  app = await createHttpServer({
    logger: pino({ level: 'silent' }),
    authenticator: t.services.auth,
    bodyLimit: 1024,
    uploadLimit: 1024,
    version: 'test',
    webRoot: null,
    requestTimeoutMs: 200,
    uploadTimeoutMs: 5000,
  });
  // Work that watches request.signal, as the NGSI-LD handlers do: it stops when the budget ends.
  app.get('/api/v1/slow', { config: { access: 'public' } }, async (req) => {
    let exit!: (how: 'stopped' | 'finished') => void;
    slowExit = new Promise((resolve) => (exit = resolve));
    for (let i = 0; i < 20; i++) {
      await sleep(50);
      if (req.signal.aborted) return exit('stopped');
    }
    exit('finished');
    return { done: true };
  });
  app.get('/api/v1/stream', { config: { access: 'public' } }, async (_req, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
    reply.raw.write('data: first\n\n');
    await sleep(500);
    reply.raw.end('data: last\n\n');
  });
  app.post(
    '/api/v1/upload',
    { config: { access: 'public' }, schema: { consumes: ['multipart/form-data'] } },
    async () => {
      await sleep(500);
      return { stored: true };
    },
  );
  await app.ready();
});

describe('request time budget', () => {
  it('answers 503 request_timeout at the budget and aborts the work', async () => {
    const started = performance.now();
    const res = await app.inject({ method: 'GET', url: '/api/v1/slow' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'request_timeout', budgetMs: 200, status: 503 });
    expect(performance.now() - started).toBeLessThan(900);
    // The handler saw request.signal abort and stopped instead of completing its work.
    expect(await slowExit).toBe('stopped');
  });

  it('does not cut a response that is already streaming (server-sent events)', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/stream' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('data: first\n\ndata: last\n\n');
  });

  it('gives upload routes the upload budget instead', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/upload',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--\r\n',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ stored: true });
  });

  it('is wired from REQUEST_TIMEOUT_MS in the application', () => {
    expect((t.app.initialConfig as { handlerTimeout?: number }).handlerTimeout).toBe(1500);
  });
});
