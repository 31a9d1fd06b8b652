import { defineEndpoint } from '@civitas/contracts/endpoint';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { conflict } from '../errors/errors.js';
import { createHttpServer, type App } from './http-server.js';
import { compiledResponseSerializer } from './response-serializer.js';
import { route } from './route.js';

/**
 * Strict contract mode (on in every test app): an answer that breaks its endpoint's definition
 * becomes a 500 naming the breach, so the integration test that provoked it fails.
 */
const thing = z.object({ id: z.string(), size: z.number(), kind: z.enum(['round', 'square']) });
const get = defineEndpoint({
  method: 'GET',
  path: '/api/v1/things/:id',
  tags: ['test'],
  params: z.object({ id: z.string() }),
  responses: { 200: thing },
  errors: ['not_found'],
});
const create = defineEndpoint({
  method: 'POST',
  path: '/api/v1/things',
  tags: ['test'],
  responses: { 201: thing },
  errors: [],
});

const nobody = { authenticate: async () => null };
let app: App | undefined;
afterEach(async () => {
  await app?.close();
});

async function server(strict: boolean, handler: (id: string) => unknown, serializer = false): Promise<App> {
  app = await createHttpServer({
    logger: pino({ level: 'silent' }),
    authenticator: nobody,
    bodyLimit: 1024,
    uploadLimit: 1024,
    version: 'test',
    webRoot: null,
    strictContract: strict,
  });
  route(app, get, 'public', async (req) => handler(req.params.id) as z.input<typeof thing>, {
    ...(serializer ? { serializerCompiler: compiledResponseSerializer } : {}),
  });
  route(app, create, 'public', async (_req, reply) =>
    reply.code(200).send({ id: 'a', size: 1, kind: 'round' }),
  );
  await app.ready();
  return app;
}

describe('strict contract mode', () => {
  it('passes an answer that keeps the contract', async () => {
    const a = await server(true, (id) => ({ id, size: 3, kind: 'round' }));
    const res = await a.inject({ method: 'GET', url: '/api/v1/things/x' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'x', size: 3, kind: 'round' });
    expect(a.contractCheck!.breaches).toEqual([]);
  });

  it('fails a wrong-shaped body, naming the field', async () => {
    const a = await server(true, (id) => ({ id, size: 'three', kind: 'round' }));
    const res = await a.inject({ method: 'GET', url: '/api/v1/things/x' });
    expect(res.statusCode).toBe(500);
    expect(res.json().detail).toContain('Contract breach: GET /api/v1/things/:id');
    expect(res.json().detail).toContain('size');
    expect(a.contractCheck!.breaches).toHaveLength(1);
  });

  it('fails a wrong-shaped body on a route with a compiled serializer, which alone would send it', async () => {
    // fast-json-stringify writes any string for an enum: the compiled route alone sends it.
    const loose = await server(false, (id) => ({ id, size: 1, kind: 'triangle' }), true);
    expect((await loose.inject({ method: 'GET', url: '/api/v1/things/x' })).statusCode).toBe(200);
    await loose.close();
    const a = await server(true, (id) => ({ id, size: 1, kind: 'triangle' }), true);
    const res = await a.inject({ method: 'GET', url: '/api/v1/things/x' });
    expect(res.statusCode).toBe(500);
    expect(res.json().detail).toContain('kind');
  });

  it('fails an error code the endpoint does not declare, and passes one it does', async () => {
    const a = await server(true, () => {
      throw conflict('stale_version', 'changed meanwhile');
    });
    const res = await a.inject({ method: 'GET', url: '/api/v1/things/x' });
    expect(res.statusCode).toBe(500);
    expect(res.json().detail).toContain('problem code stale_version is not among');
    const declared = await server(true, () => {
      throw new (class extends Error {})('boom');
    });
    expect((await declared.inject({ method: 'GET', url: '/api/v1/things/x' })).json().code).toBe(
      'internal_error',
    );
  });

  it('fails a success status the endpoint does not declare', async () => {
    const a = await server(true, (id) => ({ id, size: 1, kind: 'round' }));
    const res = await a.inject({ method: 'POST', url: '/api/v1/things' });
    expect(res.statusCode).toBe(500);
    expect(res.json().detail).toContain('status 200 is not among');
  });

  it('is off outside tests: an undeclared code goes out as it is', async () => {
    const a = await server(false, () => {
      throw conflict('stale_version', 'changed meanwhile');
    });
    const res = await a.inject({ method: 'GET', url: '/api/v1/things/x' });
    expect(res.statusCode).toBe(409);
    expect(a.contractCheck).toBeNull();
  });
});
