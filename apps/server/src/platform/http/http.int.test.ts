import { beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';
import { createHttpServer } from './http-server.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ BODY_LIMIT_BYTES: '2048' });
});

describe('HTTP platform', () => {
  it('answers unknown routes with a 404 problem carrying the request id', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/nope',
      headers: { 'x-request-id': 'trace-123456' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 404, code: 'route_not_found', requestId: 'trace-123456' });
    expect(res.headers['x-request-id']).toBe('trace-123456');
  });

  it('never echoes a credential-looking path segment in a 404, in any API family', async () => {
    const secret = 'cvd_Q1w2E3r4T5y6U7i8O9p0AsDfGhJk';
    for (const url of [
      `/api/v1/ingest/${secret}/nothing`,
      `/api/v1/${secret}/nothing/here`,
      `/ngsi-ld/v1/${secret}/entities`,
      `/open311/v2/${secret}/requests.json`,
      `/json/${secret}/dev/nothing`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain(secret);
    }
  });

  it('answers an oversized body with 413 and malformed JSON with 400, never a stack', async () => {
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x'.repeat(5000), password: 'y' }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBeDefined();
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toMatch(/at .*\.js:\d+/);
  });

  it('refuses to register an API route that declares no access', async () => {
    const app = await createHttpServer({
      logger: pino({ level: 'silent' }),
      authenticator: t.services.auth,
      bodyLimit: 1024,
      uploadLimit: 1024,
      version: 'test',
      webRoot: null,
    });
    let error: unknown;
    try {
      app.get('/api/v1/open-door', async () => 'x');
      await app.ready();
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/declares no access/);
  });

  it('publishes OpenAPI 3.1 generated from the zod schemas, and the docs page', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    expect(
      spec.paths['/api/v1/residents/{id}/reveal'].post.requestBody.content['application/json'].schema
        .properties.field.enum,
    ).toEqual(['name', 'phone', 'idNumber', 'birthDate']);
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('reports liveness and readiness', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
  });

  it('rejects a request without credentials with 401 and a wrong role with 403', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/residents' })).statusCode).toBe(401);
    const aud = await t.login('auditor');
    expect((await aud.get('/api/v1/residents')).statusCode).toBe(403);
  });
});
