import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

/**
 * Every query parameter, path parameter and JSON body of every operation in the app's own OpenAPI
 * document, with hostile values: a new route is covered without editing this test. Whatever
 * arrives, the answer is a success or a 4xx in the route's error format, never a 5xx (ADR 0019).
 */
type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  minimum?: number;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  required?: string[];
};
type Parameter = { name: string; in: 'query' | 'path' | 'header'; required?: boolean; schema?: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
interface Op {
  method: string;
  path: string;
  op: Operation;
}

let t: TestApp;
let user: Client;
let ops: Op[];
const SAMPLE_ID = randomUUID();

const HOSTILE: [string, string][] = [
  ['NUL', 'a\u0000b'],
  ['only NUL', '\u0000'],
  ['overlong', 'x'.repeat(5000)],
  ['control characters', '\u0001\u0008\u001b[31m\u007f\u0085\u2028'],
  ['not a number', 'abc'],
  ['negative', '-1'],
  ['huge number', '99999999999999999999999'],
  ['overflowing float', '1e309'],
  ['fraction', '0.5'],
  ['empty', ''],
  ['SQL and pattern characters', `%_\\'";--`],
  ['bad date', '2024-13-45T99:99:99Z'],
];

/** A plausible value for a schema, so the other parameters of a request pass validation. */
function sample(schema: Schema | undefined): unknown {
  if (!schema) return 'x';
  if (schema.enum?.length) return schema.enum[0];
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length) return sample(alt.find((s) => s.type !== 'null') ?? alt[0]);
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (type === 'array') return [sample(schema.items)];
  if (type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema.properties ?? {})) out[k] = sample(s);
    return out;
  }
  if (schema.format === 'uuid') return SAMPLE_ID;
  if (schema.format === 'date-time') return new Date().toISOString();
  if (schema.format === 'date') return '2024-01-01';
  return 'x';
}

/** The same shape with NUL in every string: what a hostile client sends to a write route. */
function withNul(schema: Schema | undefined): unknown {
  const alt = schema?.anyOf ?? schema?.oneOf;
  if (alt?.length) return withNul(alt.find((s) => s.type !== 'null') ?? alt[0]);
  const type = Array.isArray(schema?.type) ? schema.type.find((x) => x !== 'null') : schema?.type;
  if (type === 'array') return [withNul(schema?.items)];
  if (type === 'object' || schema?.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema?.properties ?? {})) out[k] = withNul(s);
    return out;
  }
  if (type === 'integer' || type === 'number' || type === 'boolean') return sample(schema);
  return 'nul\u0000here';
}

function url(o: Op, pathValues: Record<string, string>, query: Record<string, string>): string {
  const path = o.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(pathValues[name] ?? 'x'),
  );
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return qs ? `${path}?${qs}` : path;
}

function baseline(o: Op) {
  const path: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const p of o.op.parameters ?? []) {
    const v = sample(p.schema);
    const text = Array.isArray(v) ? String(v[0]) : String(v);
    if (p.in === 'path') path[p.name] = text;
    else if (p.in === 'query' && p.required) query[p.name] = text;
  }
  return { path, query };
}

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): { [key: string]: unknown };
}

/**
 * Sends one request. The answer is read as a stream so that a route that starts a server-sent
 * event stream (which never ends by itself) is seen, closed like a client would, and counted.
 */
async function send(o: Op, target: string, body?: unknown): Promise<Answer> {
  const res = await t.app.inject({
    method: o.method as 'GET',
    url: target,
    payloadAsStream: true,
    headers: {
      cookie: user.cookie,
      'x-csrf-token': user.csrf,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  let payload = '';
  if (String(res.headers['content-type']).startsWith('text/event-stream'))
    (res.raw.res as unknown as { req: { destroy(): void } }).req.destroy();
  else payload = await text(res.stream());
  return { statusCode: res.statusCode, headers: res.headers, body: payload, json: () => JSON.parse(payload) };
}

/** A refusal in the route's own error format: problem+json, NGSI-LD ProblemDetails, or Open311. */
function expectNo5xx(o: Op, res: Answer, what: string) {
  expect(res.statusCode, `${o.method} ${o.path} ${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
  if (res.statusCode < 400) return;
  const header = res.headers['content-type'];
  const type = typeof header === 'string' ? header : '';
  if (o.path.startsWith('/ngsi-ld/')) expect(res.json()).toHaveProperty('type');
  else if (o.path.startsWith('/open311/')) expect(type).toMatch(/json|xml/);
  else expect(type, `${o.method} ${o.path} ${what}`).toContain('application/problem+json');
}

beforeAll(async () => {
  t = await createTestApp();
  // One user holding every staff role at the district root, so permission checks pass and the
  // hostile values reach validation, services and the database.
  await t.services.users.createUnchecked(
    { actor: null, requestId: 'fuzz', ip: '127.0.0.1' },
    {
      username: 'fuzzer',
      displayName: 'fuzzer',
      kind: 'staff',
      password: FIXTURE_PASSWORD,
      grants: (['community_admin', 'district_commander', 'system_admin', 'auditor'] as const).map((role) => ({
        role,
        orgUnitId: t.units.get('D')!.id,
        department: null,
      })),
    },
  );
  user = await t.login('fuzzer');
  const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
    paths: Record<string, Record<string, Operation>>;
  }>();
  ops = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});

describe('fuzzing every operation of the OpenAPI document', () => {
  it('covers the whole API, the NGSI-LD and Open311 routes included', () => {
    expect(ops.length).toBeGreaterThan(60);
    expect(ops.some((o) => o.path.startsWith('/ngsi-ld/v1/entities'))).toBe(true);
    expect(ops.flatMap((o) => o.op.parameters ?? []).filter((p) => p.in === 'query').length).toBeGreaterThan(
      50,
    );
  });

  it('answers hostile query parameters with a success or a 4xx, never a 5xx', async () => {
    for (const o of ops) {
      const base = baseline(o);
      for (const p of (o.op.parameters ?? []).filter((x) => x.in === 'query')) {
        for (const [what, value] of HOSTILE) {
          const res = await send(o, url(o, base.path, { ...base.query, [p.name]: value }));
          expectNo5xx(o, res, `query ${p.name} ${what}`);
          if (what === 'NUL' && res.statusCode === 400 && o.path.startsWith('/api/'))
            expect(res.json().errors, `${o.path} ${p.name}`).toContainEqual({
              path: `querystring.${p.name}`,
              message: expect.stringContaining('NUL'),
            });
        }
      }
    }
  }, 300_000);

  it('answers hostile path parameters with a success or a 4xx, never a 5xx', async () => {
    for (const o of ops) {
      const base = baseline(o);
      for (const p of (o.op.parameters ?? []).filter((x) => x.in === 'path')) {
        for (const [what, value] of HOSTILE) {
          if (value === '') continue;
          const res = await send(o, url(o, { ...base.path, [p.name]: value }, base.query));
          expectNo5xx(o, res, `path ${p.name} ${what}`);
        }
      }
    }
  }, 300_000);

  it('answers paths the router cannot read with a problem that does not echo them', async () => {
    const long = await send(ops[0]!, `/api/v1/cases/${'t'.repeat(300)}`);
    expect(long.statusCode).toBe(414);
    expect(long.headers['content-type']).toContain('application/problem+json');
    expect(long.json()).toMatchObject({ code: 'uri_too_long' });
    expect(long.json().detail).not.toContain('t'.repeat(300));
    const bad = await send(ops[0]!, '/api/v1/cases/%zz%E0%A4%A');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'bad_url' });
  });

  it('refuses NUL in any string of a JSON body with a 400 naming the field, and stores nothing', async () => {
    const auditRows = async () =>
      Number(
        (
          await t.services.database.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await auditRows();
    let refused = 0;
    for (const o of ops) {
      const schema = o.op.requestBody?.content?.['application/json']?.schema;
      if (!schema || o.method === 'GET') continue;
      const body = withNul(schema);
      if (!JSON.stringify(body).includes('\\u0000')) continue;
      const res = await send(o, url(o, baseline(o).path, baseline(o).query), body);
      expectNo5xx(o, res, 'body with NUL');
      expect(res.statusCode, `${o.method} ${o.path}`).toBe(400);
      if (o.path.startsWith('/api/')) {
        const errors = res.json().errors as { path: string; message: string }[];
        expect(errors.length, o.path).toBeGreaterThan(0);
        for (const e of errors)
          expect(e, o.path).toMatchObject({
            path: expect.stringMatching(/^body\./),
            message: expect.stringContaining('NUL'),
          });
      }
      refused++;
    }
    expect(refused).toBeGreaterThan(20);
    // Every write appends to the audit log in its own transaction: no new row, nothing written.
    expect(await auditRows()).toBe(before);
  }, 300_000);

  it('refuses NUL in a JSON body of the NGSI-LD upsert too', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ngsi-ld/v1/entityOperations/upsert',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrf, 'content-type': 'application/json' },
      payload: JSON.stringify([{ id: 'urn:ngsi-ld:Device:x', type: 'Device', note: 'a\u0000b' }]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      type: 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData',
      detail: expect.stringContaining('body.0.note'),
    });
  });
});
