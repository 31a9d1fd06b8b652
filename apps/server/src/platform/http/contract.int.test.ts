import type { Endpoint } from '@civitas/contracts/endpoint';
import { endpoints } from '@civitas/contracts/endpoints';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';

/**
 * Routes and endpoint definitions match both ways, and the OpenAPI document is generated from the
 * definitions. (contract.test.ts proves that strict mode turns a breach into a failure.)
 */
let t: TestApp;
const defined: Endpoint[] = Object.values(endpoints).flatMap((domain) => Object.values(domain) as Endpoint[]);

/**
 * /api routes that are not part of the web's contract: the device HTTP doors (ThingsBoard and
 * FIWARE firmware post there with the device's own token, in their formats), and the document itself.
 */
const OUTSIDE_CONTRACT = [
  /^\/api\/v1\/:token\//,
  /^\/api\/v1\/ingest\//,
  /^\/api\/openapi\.json$/,
  /^\/api\/docs/,
  // The Prometheus text exposition, for scrapers (ADR 0039), like the OpenAPI document above.
  /^\/api\/metrics$/,
];

beforeAll(async () => {
  t = await createTestApp();
});

describe('the contract', () => {
  it('registers every endpoint definition as a route, from that definition', () => {
    const routes = t.app.contractCheck!.routes;
    for (const e of defined) {
      const found = routes.filter((r) => r.method === e.method && r.url === e.path);
      expect(found, `${e.method} ${e.path}`).toHaveLength(1);
      expect(found[0]!.endpoint, `${e.method} ${e.path}`).toBe(e);
    }
  });

  it('has a definition for every /api route', () => {
    const undefinedRoutes = t.app
      .contractCheck!.routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
      .filter((r) => !OUTSIDE_CONTRACT.some((p) => p.test(r.url)))
      .filter((r) => !r.endpoint)
      .map((r) => `${r.method} ${r.url}`);
    expect(undefinedRoutes).toEqual([]);
    expect(defined.length).toBeGreaterThan(80);
  });

  it('generates the OpenAPI operations from the definitions, error codes included', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    for (const e of defined) {
      const path = e.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const op = spec.paths[path]?.[e.method.toLowerCase()];
      expect(op, `${e.method} ${path}`).toBeDefined();
      expect(op.tags).toEqual([...e.tags]);
      if (e.summary) expect(op.summary).toBe(e.summary);
      for (const status of Object.keys(e.responses))
        expect(op.responses, `${path} ${status}`).toHaveProperty(status);
      const codes = Object.values(
        op.responses as Record<
          string,
          { content?: Record<string, { schema: { properties: { code: { enum: string[] } } } }> }
        >,
      ).flatMap((r) => r.content?.['application/problem+json']?.schema.properties.code.enum ?? []);
      for (const code of e.errors) expect(codes, `${e.method} ${path}`).toContain(code);
      expect(codes).toContain('validation_failed');
    }
    const act = spec.paths['/api/v1/cases/{id}/actions'].post.responses;
    expect(act['409'].content['application/problem+json'].schema.properties.code.enum).toEqual(
      expect.arrayContaining(['stale_version', 'illegal_transition']),
    );
    expect(act['403'].content['application/problem+json'].schema.properties.code.enum).toEqual(
      expect.arrayContaining(['forbidden', 'csrf_failed']),
    );
  });
});
