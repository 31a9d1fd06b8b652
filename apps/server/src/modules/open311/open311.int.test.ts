import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, report } from '../../test-support/case-fixtures.js';
import { expectSchema, parseXml, postForm } from '../../test-support/open311-support.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { HOUR, ManualClock } from '../cases/case-clock.js';

let t: TestApp;
let clock: ManualClock;
let commander: Client;
let gw1: Client;
let resident: Client;
/** A key for street S1 (G1, G2, G3) and one for grid G3 only. */
let streetKey: string;
let g3Key: string;

const V2 = '/open311/v2';
const get = (url: string, lang = 'en') =>
  t.app.inject({ method: 'GET', url, headers: { 'accept-language': lang } });
const [g1Lng, g1Lat] = at.G1;
const PERSONAL = ['li.wei@example.com', '13800138000', 'Wei', 'Li', 'device-778', 'acct-42'];

function submission(over: Record<string, string> = {}, key = streetKey): [string, string][] {
  const base: Record<string, string> = {
    api_key: key,
    service_code: 'road_facility.sinkhole',
    lat: String(g1Lat),
    long: String(g1Lng),
    address_string: 'Keyuan Rd 12, Nanshan',
    description: 'A sinkhole opened in the cycle lane\nabout 1 m across.',
    'attribute[depth_cm]': '40',
    'attribute[surface]': 'asphalt',
    email: 'li.wei@example.com',
    phone: '13800138000',
    first_name: 'Wei',
    last_name: 'Li',
    device_id: 'device-778',
    account_id: 'acct-42',
    media_url: 'https://img.example.org/sinkhole.jpg',
    ...over,
  };
  return Object.entries(base).filter(([, v]) => v !== '');
}

async function expectError(
  res: Awaited<ReturnType<typeof get>>,
  status: number,
  text: RegExp,
): Promise<void> {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json<{ code: number; description: string }[]>();
  expectSchema('errors', body);
  expect(body[0]!.code).toBe(status);
  expect(body[0]!.description).toMatch(text);
}

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
  t = await createTestApp({}, { clock });
  [commander, gw1, resident] = (await Promise.all(
    ['commander', 'gw1', 'resident'].map((u) => t.login(u)),
  )) as [Client, Client, Client];
  const categories = (await commander.get('/api/v1/case-categories')).json<{
    items: { id: string; code: string }[];
  }>();
  const cat = await commander.post('/api/v1/case-categories', {
    code: 'road_facility.sinkhole',
    parentId: categories.items.find((c) => c.code === 'road_facility')!.id,
    name: { 'zh-CN': '路面塌陷', en: 'Sinkhole' },
    responseHours: 2,
    resolutionHours: 24,
    attributes: [
      {
        code: 'depth_cm',
        datatype: 'number',
        required: true,
        description: { 'zh-CN': '深度（厘米）', en: 'Depth in cm' },
      },
      {
        code: 'surface',
        datatype: 'singlevaluelist',
        required: false,
        description: { 'zh-CN': '路面', en: 'Surface' },
        values: [
          { key: 'asphalt', name: { 'zh-CN': '沥青', en: 'Asphalt' } },
          { key: 'paving', name: { 'zh-CN': '铺砖', en: 'Paving stones' } },
        ],
      },
      {
        code: 'hazards',
        datatype: 'multivaluelist',
        required: false,
        description: { 'zh-CN': '危险', en: 'Hazards' },
        values: [
          { key: 'water', name: { 'zh-CN': '积水', en: 'Water' } },
          { key: 'traffic', name: { 'zh-CN': '车流', en: 'Traffic' } },
        ],
      },
      {
        code: 'noticed_at',
        datatype: 'datetime',
        required: false,
        description: { 'zh-CN': '发现时间', en: 'When noticed' },
      },
    ],
  });
  expect(cat.statusCode, cat.body).toBe(201);
  const issue = async (name: string, unit: string) => {
    const r = await commander.post('/api/v1/open311-keys', { name, orgUnitId: t.units.get(unit)!.id });
    expect(r.statusCode, r.body).toBe(201);
    return r.json<{ key: string }>().key;
  };
  streetKey = await issue('FixMyStreet S1', 'S1');
  g3Key = await issue('Patrol app G3', 'G3');
});

describe('discovery and services', () => {
  it('serves discovery in JSON and XML', async () => {
    const json = await get('/open311/discovery.json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expectSchema('discovery', json.json());
    expect(json.json().endpoints[0].url).toMatch(/\/open311\/v2$/);
    const x = parseXml(await get('/open311/discovery.xml'));
    const d = x.discovery as {
      endpoints: { endpoint: { specification: string; formats: { format: string[] } }[] };
    };
    expect(d.endpoints.endpoint[0]!.specification).toBe('http://wiki.open311.org/GeoReport_v2');
    expect(d.endpoints.endpoint[0]!.formats.format).toEqual(['text/xml', 'application/json']);
  });

  it('documents the Open311 and key routes in the OpenAPI description', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/open311/v2/requests.json',
        '/open311/v2/services/{file}',
        '/api/v1/open311-keys',
      ]),
    );
  });

  it('lists the categories as services, without the private ones', async () => {
    const res = await get(`${V2}/services.json`);
    expect(res.statusCode).toBe(200);
    const services =
      res.json<{ service_code: string; metadata: boolean; group: string; service_name: string }[]>();
    expectSchema('service-list', services);
    const codes = services.map((s) => s.service_code);
    expect(codes).toEqual(
      expect.arrayContaining(['road_facility.pothole', 'road_facility.sinkhole', 'noise']),
    );
    expect(codes).not.toContain('elderly_assistance');
    expect(codes).not.toContain('neighbour_dispute');
    const sinkhole = services.find((s) => s.service_code === 'road_facility.sinkhole')!;
    expect(sinkhole).toMatchObject({
      metadata: true,
      service_name: 'Sinkhole',
      group: 'Road and facility damage',
    });
    expect(services.find((s) => s.service_code === 'noise')!.metadata).toBe(false);
    const zh = (await get(`${V2}/services.json`, 'zh-CN,zh;q=0.9')).json<
      { service_code: string; service_name: string }[]
    >();
    expect(zh.find((s) => s.service_code === 'noise')!.service_name).toBe('噪音扰民');

    const x = parseXml(await get(`${V2}/services.xml`));
    const list = (x.services as { service: { service_code: string; metadata: string; type: string }[] })
      .service;
    expect(list.map((s) => s.service_code)).toEqual(codes);
    expect(list.find((s) => s.service_code === 'road_facility.sinkhole')).toMatchObject({
      metadata: 'true',
      type: 'realtime',
    });
  });

  it('defines a service with its attributes, in JSON and XML', async () => {
    const res = await get(`${V2}/services/road_facility.sinkhole.json`);
    expect(res.statusCode, res.body).toBe(200);
    const def = res.json<{ service_code: string; attributes: Record<string, unknown>[] }>();
    expectSchema('service-definition', def);
    expect(def.service_code).toBe('road_facility.sinkhole');
    expect(def.attributes.map((a) => [a.code, a.datatype, a.required, a.order])).toEqual([
      ['depth_cm', 'number', true, 1],
      ['surface', 'singlevaluelist', false, 2],
      ['hazards', 'multivaluelist', false, 3],
      ['noticed_at', 'datetime', false, 4],
    ]);
    expect(def.attributes[1]).toMatchObject({
      variable: true,
      description: 'Surface',
      values: [
        { key: 'asphalt', name: 'Asphalt' },
        { key: 'paving', name: 'Paving stones' },
      ],
    });
    expect(def.attributes[0]!.datatype_description).toBe('A number');

    const x = parseXml(await get(`${V2}/services/road_facility.sinkhole.xml`));
    const sd = x.service_definition as {
      service_code: string;
      attributes: { attribute: { code: string; values?: { value: { key: string }[] } }[] };
    };
    expect(sd.service_code).toBe('road_facility.sinkhole');
    expect(sd.attributes.attribute.map((a) => a.code)).toEqual([
      'depth_cm',
      'surface',
      'hazards',
      'noticed_at',
    ]);
    expect(sd.attributes.attribute[2]!.values!.value.map((v) => v.key)).toEqual(['water', 'traffic']);
  });

  it('answers a bad service_code, a private one and a missing format with 404', async () => {
    await expectError(
      await get(`${V2}/services/no_such_thing.json`),
      404,
      /service_code no_such_thing was not found/,
    );
    await expectError(await get(`${V2}/services/elderly_assistance.json`), 404, /not found/);
    await expectError(await get(`${V2}/services/noise`), 404, /\.json or \.xml/);
    await expectError(await get(`${V2}/services.json?jurisdiction_id=NOPE`), 404, /jurisdiction_id NOPE/);
    const x = await get(`${V2}/services/no_such_thing.xml`);
    expect(x.statusCode).toBe(404);
    const errors = parseXml(x).errors as { error: { code: string; description: string }[] };
    expect(errors.error[0]).toMatchObject({ code: '404' });
    expect(errors.error[0]!.description).toMatch(/no_such_thing/);
  });
});

describe('POST requests', () => {
  let ref: string;

  it('creates a case on the open311 channel through the case service', async () => {
    const res = await postForm(t.app, `${V2}/requests.json`, [
      ...submission(),
      ['attribute[hazards][]', 'water'],
      ['attribute[hazards][]', 'traffic'],
      ['attribute[noticed_at]', '2026-03-02T08:30:00+08:00'],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ service_request_id: string; service_notice: string; account_id: string }[]>();
    expectSchema('post-service-request', body);
    ref = body[0]!.service_request_id;
    expect(ref).toMatch(/^C2026-\d{6}$/);
    expect(body[0]!.service_notice).toBe('Response within 2 h, resolution within 24 h.');

    // The grid worker of G1 finds it in the inbox, channel open311, attributes as sent.
    const inbox = (await gw1.get('/api/v1/cases?channel=open311')).json<{
      items: {
        id: string;
        ref: string;
        channel: string;
        title: string;
        attributes: Record<string, unknown>;
        reporter: unknown;
      }[];
    }>();
    const c = inbox.items.find((i) => i.ref === ref)!;
    expect(c).toBeDefined();
    expect(c.channel).toBe('open311');
    expect(c.title).toBe('A sinkhole opened in the cycle lane');
    expect(c.reporter).toBeNull();
    expect(c.attributes).toEqual({
      depth_cm: 40,
      surface: 'asphalt',
      hazards: ['water', 'traffic'],
      noticed_at: '2026-03-02T00:30:00.000Z',
    });

    // Staff see which integrator sent it, the contact only masked; the full contact needs a reason
    // and leaves an audit row.
    const info = await gw1.get(`/api/v1/open311-requests/${c.id}`);
    expect(info.statusCode, info.body).toBe(200);
    expect(info.json()).toMatchObject({
      integrator: { name: 'FixMyStreet S1' },
      mediaUrl: 'https://img.example.org/sinkhole.jpg',
      contact: { email: 'l***@example.com', phone: '138****8000', name: 'L****i' },
    });
    const revealed = await gw1.post(`/api/v1/open311-requests/${c.id}/reveal`, {
      reason: 'call back about access',
    });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(revealed.json()).toEqual({
      email: 'li.wei@example.com',
      phone: '13800138000',
      firstName: 'Wei',
      lastName: 'Li',
      deviceId: 'device-778',
      accountId: 'acct-42',
    });
    const audit = await sql<{ action: string; detail: Record<string, unknown> }>`
      SELECT action, detail FROM audit_log WHERE target_id = ${c.id} ORDER BY seq`.execute(
      t.services.database.db,
    );
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['case.create', 'open311.request', 'open311.contact_reveal']),
    );
    expect(audit.rows.find((r) => r.action === 'open311.request')!.detail).toMatchObject({
      integrator: 'FixMyStreet S1',
    });
    // Stored sealed: no plain personal value anywhere in the row.
    const stored = await sql<
      Record<string, unknown>
    >`SELECT * FROM open311_requests WHERE case_id = ${c.id}`.execute(t.services.database.db);
    const raw = JSON.stringify(stored.rows);
    for (const p of ['li.wei@example.com', '13800138000', 'device-778', 'acct-42'])
      expect(raw).not.toContain(p);
    // Someone who cannot see the case cannot see its Open311 details either.
    expect((await (await t.login('gw2')).get(`/api/v1/open311-requests/${c.id}`)).statusCode).toBe(404);
  });

  it('reads the request back in JSON and XML without personal data', async () => {
    const res = await get(`${V2}/requests/${ref}.json`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Record<string, unknown>[]>();
    expectSchema('service-requests', body);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({
      service_request_id: ref,
      status: 'open',
      status_notes: 'Received; waiting to be accepted.',
      service_code: 'road_facility.sinkhole',
      service_name: 'Sinkhole',
      description: 'A sinkhole opened in the cycle lane\nabout 1 m across.',
      agency_responsible: 'Unit G1',
      requested_datetime: '2026-03-02T01:00:00Z',
      expected_datetime: '2026-03-03T01:00:00Z',
      address: 'Keyuan Rd 12, Nanshan',
      lat: g1Lat,
      long: g1Lng,
      media_url: 'https://img.example.org/sinkhole.jpg',
    });
    for (const p of PERSONAL) expect(res.body).not.toContain(p);

    const xres = await get(`${V2}/requests/${ref}.xml`);
    for (const p of PERSONAL) expect(xres.body).not.toContain(p);
    const r = (parseXml(xres).service_requests as { request: Record<string, string>[] }).request[0]!;
    expect(r).toMatchObject({
      service_request_id: ref,
      status: 'open',
      lat: String(g1Lat),
      long: String(g1Lng),
    });
    expect(r.description).toBe('A sinkhole opened in the cycle lane\nabout 1 m across.');
  });

  it('answers POST in XML too, and resolves the case id as a token', async () => {
    const res = await postForm(
      t.app,
      `${V2}/requests.xml`,
      submission({ description: 'Second <sinkhole> & more' }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const created = (parseXml(res).service_requests as { request: { service_request_id: string }[] })
      .request[0]!;
    const row = await sql<{
      id: string;
    }>`SELECT id FROM cases WHERE ref = ${created.service_request_id}`.execute(t.services.database.db);
    const caseId = row.rows[0]!.id;
    const tok = await get(`${V2}/tokens/${caseId}.json`);
    expect(tok.statusCode, tok.body).toBe(200);
    expectSchema('token', tok.json());
    expect(tok.json()).toEqual([{ service_request_id: created.service_request_id, token: caseId }]);
    const tx = parseXml(await get(`${V2}/tokens/${caseId}.xml`));
    expect((tx.service_requests as { request: { token: string }[] }).request[0]!.token).toBe(caseId);
    await expectError(await get(`${V2}/tokens/not-a-token.json`), 404, /token not-a-token was not found/);
    const xr = parseXml(await get(`${V2}/requests/${created.service_request_id}.xml`));
    expect((xr.service_requests as { request: { description: string }[] }).request[0]!.description).toBe(
      'Second <sinkhole> & more',
    );
  });

  it('places a request by address_id, a building code of the registry', async () => {
    const b = await gw1.post('/api/v1/buildings', {
      code: 'B-KY-12',
      name: 'Keyuan 12',
      address: 'Keyuan Rd 12',
      location: { type: 'Point', coordinates: at.G1 },
    });
    expect(b.statusCode, b.body).toBe(201);
    const res = await postForm(
      t.app,
      `${V2}/requests.json`,
      submission({ lat: '', long: '', address_string: '', address_id: 'B-KY-12' }),
    );
    expect(res.statusCode, res.body).toBe(201);
    const body = (await get(`${V2}/requests/${res.json()[0].service_request_id}.json`)).json()[0];
    expect(body).toMatchObject({ address: 'Keyuan Rd 12', address_id: 'B-KY-12', lat: g1Lat, long: g1Lng });
  });

  it('refuses what the spec refuses, each with its status, and creates nothing', async () => {
    const count = async () =>
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM cases`.execute(t.services.database.db))
        .rows[0]!.n;
    const before = await count();
    const post = (fields: [string, string][], fmt = 'json') =>
      postForm(t.app, `${V2}/requests.${fmt}`, fields);
    await expectError(await post(submission({ api_key: '' })), 403, /api_key is missing/);
    await expectError(await post(submission({ api_key: 'o311_wrong' })), 403, /Invalid api_key/);
    await expectError(
      await post(submission({ service_code: 'no_such_thing' })),
      404,
      /service_code no_such_thing/,
    );
    await expectError(await post(submission({ service_code: '' })), 400, /service_code was not provided/);
    await expectError(
      await post(submission({ lat: '', long: '', address_string: '' })),
      400,
      /A location is required/,
    );
    await expectError(await post(submission({ lat: '', long: '' })), 400, /no geocoder/);
    await expectError(await post(submission({ long: '' })), 400, /lat and long must be sent together/);
    await expectError(await post(submission({ lat: '91' })), 400, /lat must be/);
    await expectError(
      await post(submission({ lat: String(at.outside[1]), long: String(at.outside[0]) })),
      400,
      /outside every area this server serves/,
    );
    await expectError(
      await post(submission({ address_id: 'NO-SUCH-BUILDING', lat: '', long: '' })),
      400,
      /address_id NO-SUCH-BUILDING/,
    );
    await expectError(
      await post(submission({ 'attribute[depth_cm]': '' })),
      400,
      /attribute\[depth_cm\] is required/,
    );
    await expectError(await post(submission({ 'attribute[depth_cm]': 'deep' })), 400, /must be a number/);
    await expectError(
      await post(submission({ 'attribute[surface]': 'gravel' })),
      400,
      /must be one of asphalt, paving/,
    );
    await expectError(await post(submission({ 'attribute[colour]': 'red' })), 400, /attribute\[colour\]/);
    await expectError(
      await post(submission({ 'attribute[noticed_at]': '2026-03-02 08:00' })),
      400,
      /W3C date-time/,
    );
    await expectError(await post(submission({ description: 'x'.repeat(4001) })), 400, /longer than 4000/);
    await expectError(await post(submission({ media_url: 'javascript:alert(1)' })), 400, /media_url/);
    await expectError(await post(submission({ email: 'not-an-email' })), 400, /email/);
    await expectError(await post(submission({ colour: 'red' })), 400, /colour is not an argument/);
    await expectError(await post(submission({ jurisdiction_id: 'NOPE' })), 404, /jurisdiction_id NOPE/);
    await expectError(await post(submission({ jurisdiction_id: 'C2' })), 400, /outside jurisdiction_id C2/);
    // A key for grid G3 may not post in G1.
    await expectError(await post(submission({}, g3Key)), 403, /only inside G3/);
    // Not form-encoded: the spec's content type is the only one.
    const asJson = await t.app.inject({
      method: 'POST',
      url: `${V2}/requests.json`,
      payload: { api_key: streetKey, service_code: 'noise', lat: g1Lat, long: g1Lng },
    });
    await expectError(asJson, 400, /application\/x-www-form-urlencoded/);
    const xml = await post(submission({ api_key: 'o311_wrong' }), 'xml');
    expect(xml.statusCode).toBe(403);
    expect((parseXml(xml).errors as { error: { code: string }[] }).error[0]!.code).toBe('403');
    expect(await count()).toBe(before);
  });

  it('lets a scoped key post inside its unit', async () => {
    const [lng, lat] = at.G3;
    const res = await postForm(t.app, `${V2}/requests.json`, [
      ['api_key', g3Key],
      ['service_code', 'noise'],
      ['lat', String(lat)],
      ['long', String(lng)],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const r = (await get(`${V2}/requests/${res.json()[0].service_request_id}.json`)).json()[0];
    expect(r).toMatchObject({ service_code: 'noise', description: null, agency_responsible: 'Unit G3' });
  });
});

describe('GET requests', () => {
  let webRef: string;
  let privateRef: string;
  let rejectedRef: string;
  let oldRef: string;

  beforeAll(async () => {
    // One request 100 days ago, then the rest now.
    clock.advance(-100 * 24 * HOUR);
    const old = await postForm(t.app, `${V2}/requests.json`, submission({ description: 'An old one' }));
    oldRef = old.json()[0].service_request_id;
    clock.advance(100 * 24 * HOUR);
    const web = await report(resident, {
      description: 'My neighbour Zhang San at flat 502 saw it.',
      address: 'Flat 502',
    });
    expect(web.statusCode, web.body).toBe(201);
    webRef = web.json().ref;
    const priv = await report(resident, { category: 'elderly_assistance', title: 'Help for Mrs Wang' });
    expect(priv.statusCode, priv.body).toBe(201);
    privateRef = priv.json().ref;
    const toReject = await postForm(t.app, `${V2}/requests.json`, submission({ description: 'Not ours' }));
    rejectedRef = toReject.json()[0].service_request_id;
    const row = await sql<{
      id: string;
      version: number;
    }>`SELECT id, version FROM cases WHERE ref = ${rejectedRef}`.execute(t.services.database.db);
    const rejected = await gw1.post(`/api/v1/cases/${row.rows[0]!.id}/actions`, {
      action: 'reject',
      version: row.rows[0]!.version,
      reason: 'The road belongs to the port authority.',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
  });

  const list = async (query: string) => {
    const res = await get(`${V2}/requests.json${query}`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<
      {
        service_request_id: string;
        status: string;
        status_notes: string | null;
        description: string | null;
        address: string | null;
      }[]
    >();
    expectSchema('service-requests', body);
    return body;
  };
  const ids = (rows: { service_request_id: string }[]) => rows.map((r) => r.service_request_id);

  it('defaults to the last 90 days, newest first, and hides private categories', async () => {
    const rows = await list('');
    expect(ids(rows)).toContain(webRef);
    expect(ids(rows)).toContain(rejectedRef);
    expect(ids(rows)).not.toContain(oldRef);
    expect(ids(rows)).not.toContain(privateRef);
    await expectError(await get(`${V2}/requests/${privateRef}.json`), 404, /was not found/);
  });

  it('withholds the free text of reports that did not come through Open311', async () => {
    const res = await get(`${V2}/requests/${webRef}.json`);
    const [r] = res.json();
    expect(r).toMatchObject({ service_request_id: webRef, description: null, address: null, status: 'open' });
    // Open311 keeps nothing beside a case that did not come through it.
    expect(r).toMatchObject({ media_url: null, address_id: null });
    expect(res.body).not.toContain('Zhang');
    // Coordinates and timestamps may hold any digits: look for the words, not the flat number.
    expect(res.body).not.toContain('flat 502');
    expect(res.body).not.toContain('Flat 502');
    expect((await list('')).every((x) => !JSON.stringify(x).includes('Zhang'))).toBe(true);
  });

  it('maps rejection to closed with the reason as status_notes', async () => {
    const closed = await list('?status=closed');
    expect(ids(closed)).toContain(rejectedRef);
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    expect(closed.find((r) => r.service_request_id === rejectedRef)!.status_notes).toBe(
      'The road belongs to the port authority.',
    );
    const open = await list('?status=open');
    expect(ids(open)).not.toContain(rejectedRef);
    expect(ids(open)).toContain(webRef);
    expect(ids(await list('?status=open,closed'))).toEqual(ids(await list('')));
  });

  it('filters by service_code, dates and jurisdiction', async () => {
    const byCode = await list('?service_code=road_facility.pothole');
    expect(ids(byCode)).toEqual([webRef]);
    expect(ids(await list('?service_code=noise,road_facility.pothole'))).toHaveLength(2);
    const window = await list('?start_date=2025-11-20T00:00:00Z&end_date=2025-11-25T00:00:00%2B08:00');
    expect(ids(window)).toEqual([oldRef]);
    expect(ids(await list('?start_date=2025-11-20T00:00:00Z'))).toEqual([oldRef]);
    expect(ids(await list('?end_date=2026-03-02T02:00:00Z'))).not.toContain(oldRef);
    expect(ids(await list('?jurisdiction_id=C2'))).not.toContain(webRef);
    expect(ids(await list('?jurisdiction_id=C1'))).toContain(webRef);
  });

  it('lets service_request_id override every other filter', async () => {
    const rows = await list(
      `?service_request_id=${oldRef},${webRef},C1999-000001,${privateRef}&status=closed&start_date=2030-01-01T00:00:00Z`,
    );
    expect(ids(rows).sort()).toEqual([oldRef, webRef].sort());
  });

  it('refuses malformed dates, long windows, bad statuses and unknown codes', async () => {
    await expectError(
      await get(`${V2}/requests.json?start_date=yesterday`),
      400,
      /start_date must be a W3C date-time/,
    );
    await expectError(await get(`${V2}/requests.json?start_date=2026-02-30T00:00:00Z`), 400, /start_date/);
    await expectError(await get(`${V2}/requests.json?end_date=2026-03-01T00:00:00`), 400, /end_date/);
    await expectError(
      await get(`${V2}/requests.json?start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z`),
      400,
      /at most 90 days/,
    );
    await expectError(
      await get(`${V2}/requests.json?start_date=2025-06-01T00:00:00Z&end_date=2025-01-01T00:00:00Z`),
      400,
      /after end_date/,
    );
    await expectError(await get(`${V2}/requests.json?status=pending`), 400, /status must be open or closed/);
    await expectError(await get(`${V2}/requests.json?service_code=elderly_assistance`), 404, /not found/);
    await expectError(await get(`${V2}/requests/C1999-000001.json`), 404, /C1999-000001 was not found/);
    const x = await get(`${V2}/requests.xml?start_date=yesterday`);
    expect(x.statusCode).toBe(400);
    expect((parseXml(x).errors as { error: { code: string }[] }).error[0]!.code).toBe('400');
  });

  it('lists in XML with the spec element names', async () => {
    const x = parseXml(await get(`${V2}/requests.xml?service_request_id=${rejectedRef}`));
    const r = (x.service_requests as { request: Record<string, string>[] }).request;
    expect(r).toHaveLength(1);
    expect(Object.keys(r[0]!)).toEqual([
      'service_request_id',
      'status',
      'status_notes',
      'service_name',
      'service_code',
      'description',
      'agency_responsible',
      'service_notice',
      'requested_datetime',
      'updated_datetime',
      'expected_datetime',
      'address',
      'address_id',
      'lat',
      'long',
      'media_url',
    ]);
    expect(r[0]).toMatchObject({ status: 'closed', expected_datetime: '' });
  });
});

describe('API keys', () => {
  it('are issued and revoked by case administrators only, audited, and stop working when revoked', async () => {
    const ca1 = await t.login('ca1');
    expect(
      (await ca1.post('/api/v1/open311-keys', { name: 'x', orgUnitId: t.units.get('C1')!.id })).statusCode,
    ).toBe(403);
    expect((await gw1.get('/api/v1/open311-keys')).statusCode).toBe(403);
    const created = await commander.post('/api/v1/open311-keys', {
      name: 'Temp',
      orgUnitId: t.units.get('C1')!.id,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, key, prefix } = created.json<{ id: string; key: string; prefix: string }>();
    expect(key.startsWith(prefix)).toBe(true);
    const listed = (await commander.get('/api/v1/open311-keys')).json<{ items: Record<string, unknown>[] }>();
    expect(listed.items.find((k) => k.id === id)).toMatchObject({ name: 'Temp', revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key);
    const stored = await sql<{
      key_hash: string;
    }>`SELECT key_hash FROM open311_api_keys WHERE id = ${id}`.execute(t.services.database.db);
    expect(stored.rows[0]!.key_hash).not.toContain(key);

    expect((await postForm(t.app, `${V2}/requests.json`, submission({}, key))).statusCode).toBe(201);
    const revoked = await commander.delete(`/api/v1/open311-keys/${id}`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    await expectError(
      await postForm(t.app, `${V2}/requests.json`, submission({}, key)),
      403,
      /Invalid api_key/,
    );
    const audit = await sql<{
      action: string;
    }>`SELECT action FROM audit_log WHERE target_id = ${id} ORDER BY seq`.execute(t.services.database.db);
    expect(audit.rows.map((r) => r.action)).toEqual(['open311_key.create', 'open311_key.revoke']);
  });
});
