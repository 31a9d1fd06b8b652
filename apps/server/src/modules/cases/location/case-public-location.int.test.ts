import { cellToLatLng, latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { at, report } from '../../../test-support/case-fixtures.js';
import { FIXTURE_PASSWORD } from '../../../test-support/fixtures.js';
import { parseXml, postForm } from '../../../test-support/open311-support.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import { haversineM } from './case-public-location.js';

// ADR 0020: one rule for every public view of a person's report. Each view gets its own test.
let t: TestApp;
let resident: Client;
let resident2: Client;
let gw1: Client;
/** Two reports in one resolution-10 cell, ~40 m apart, neither at the cell's centre. */
const cell = latLngToCell(at.G1[1], at.G1[0], 10);
const [cLat, cLng] = cellToLatLng(cell);
const A = { lat: cLat + 0.00018, lng: cLng - 0.00004 };
const B = { lat: cLat - 0.00012, lng: cLng + 0.00016 };
let refA: string;
let refB: string;
let o311Ref: string;
const ids = new Map<string, string>();
const O311 = { lat: cLat + 0.0001, lng: cLng + 0.0001 };

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { 'accept-language': 'en' } });
const num = (v: unknown) => Number(v);

beforeAll(async () => {
  for (const p of [A, B, O311]) expect(latLngToCell(p.lat, p.lng, 10)).toBe(cell);
  expect(haversineM(A.lat, A.lng, B.lat, B.lng)).toBeGreaterThan(30);
  t = await createTestApp();
  await t.services.users.createUnchecked(
    { actor: null, requestId: 'test', ip: '127.0.0.1' },
    {
      username: 'resident2',
      displayName: 'resident2',
      kind: 'resident',
      password: FIXTURE_PASSWORD,
      grants: [{ role: 'resident', orgUnitId: t.units.get('G1')!.id, department: null }],
    },
  );
  [resident, resident2, gw1] = (await Promise.all(
    ['resident', 'resident2', 'gw1'].map((u) => t.login(u)),
  )) as [Client, Client, Client];
  const put = async (who: Client, p: { lat: number; lng: number }, address: string | null = null) => {
    const r = await report(who, {
      category: 'sanitation.overflowing_bin',
      title: 'Bin outside my door',
      address,
      location: { type: 'Point', coordinates: [p.lng, p.lat] },
    });
    expect(r.statusCode, r.body).toBe(201);
    ids.set(r.json<{ ref: string }>().ref, r.json<{ id: string }>().id);
    return r.json<{ ref: string }>().ref;
  };
  refA = await put(resident, A, 'Flat 502, Block 3');
  refB = await put(resident2, B);
  const commander = await t.login('commander');
  const key = await commander.post('/api/v1/open311-keys', { name: 'app', orgUnitId: t.units.get('S1')!.id });
  const posted = await postForm(t.app, '/open311/v2/requests.json', [
    ['api_key', key.json<{ key: string }>().key],
    ['service_code', 'sanitation.overflowing_bin'],
    ['lat', String(O311.lat)],
    ['long', String(O311.lng)],
    ['description', 'Posted through a 311 app'],
  ]);
  expect(posted.statusCode, posted.body).toBe(201);
  o311Ref = posted.json<{ service_request_id: string }[]>()[0]!.service_request_id;
});

/** A public view must place a resident's report at its cell's centre, never at its own point. */
function expectCellCentre(p: { lat: number; long: number }, exact: { lat: number; lng: number }) {
  expect(p.lat).toBeCloseTo(cLat, 9);
  expect(p.long).toBeCloseTo(cLng, 9);
  expect(haversineM(p.lat, p.long, exact.lat, exact.lng)).toBeGreaterThan(10);
}

describe('Open311 GET requests', () => {
  it('JSON list: a resident’s report at its cell centre; an Open311 request where it was posted', async () => {
    const rows = (await get('/open311/v2/requests.json')).json<
      { service_request_id: string; lat: number; long: number }[]
    >();
    expectCellCentre(
      rows.find((r) => r.service_request_id === refA)!,
      A,
    );
    expectCellCentre(
      rows.find((r) => r.service_request_id === refB)!,
      B,
    );
    expect(rows.find((r) => r.service_request_id === o311Ref)).toMatchObject({
      lat: O311.lat,
      long: O311.lng,
    });
  });

  it('JSON single request', async () => {
    const [r] = (await get(`/open311/v2/requests/${refA}.json`)).json<{ lat: number; long: number }[]>();
    expectCellCentre(r!, A);
  });

  it('XML list', async () => {
    const doc = parseXml(await get('/open311/v2/requests.xml')) as {
      service_requests: { request: { service_request_id: string; lat: string; long: string }[] };
    };
    const r = doc.service_requests.request.find((x) => x.service_request_id === refB)!;
    expectCellCentre({ lat: num(r.lat), long: num(r.long) }, B);
    expect(JSON.stringify(doc)).not.toContain(String(B.lat));
  });

  it('XML single request', async () => {
    const doc = parseXml(await get(`/open311/v2/requests/${refA}.xml`)) as {
      service_requests: { request: { lat: string; long: string }[] };
    };
    const r = doc.service_requests.request[0]!;
    expectCellCentre({ lat: num(r.lat), long: num(r.long) }, A);
  });
});

describe('the residents’ duplicate check (GET /cases/nearby, public view)', () => {
  const nearby = async (q: { lat: number; lng: number }) => {
    const res = await resident.get(
      `/api/v1/cases/nearby?category=sanitation.overflowing_bin&lat=${q.lat}&lng=${q.lng}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ view: string; items: { ref: string; distanceM: number }[] }>();
  };

  it('measures from the cell centre: two reports in one cell are indistinguishable from anywhere', async () => {
    // Query points around the cell, some right on top of one report.
    const queries = [
      A,
      B,
      { lat: cLat, lng: cLng },
      { lat: cLat + 0.0003, lng: cLng },
      { lat: cLat, lng: cLng - 0.0004 },
    ];
    for (const q of queries) {
      const body = await nearby(q);
      expect(body.view).toBe('public');
      const a = body.items.find((i) => i.ref === refA);
      const b = body.items.find((i) => i.ref === refB);
      expect(a, JSON.stringify(q)).toBeDefined();
      expect(b?.distanceM, JSON.stringify(q)).toBe(a!.distanceM);
      const toCentre = haversineM(q.lat, q.lng, cLat, cLng);
      expect(a!.distanceM).toBe(Math.max(10, Math.round(toCentre / 10) * 10));
    }
  });

  it('staff still see their own cases at the exact distance', async () => {
    const res = await gw1.get(
      `/api/v1/cases/nearby?category=sanitation.overflowing_bin&lat=${A.lat}&lng=${A.lng}`,
    );
    const items = res.json<{ items: { ref: string; distanceM: number }[] }>().items;
    expect(items.find((i) => i.ref === refA)!.distanceM).toBeLessThan(1);
  });
});

describe('a follower’s view of someone else’s report (theirs was merged into it)', () => {
  it('shows the cell centre and no address; the reporter still sees their own point and address', async () => {
    const a = ids.get(refA)!;
    const b = ids.get(refB)!;
    const version = (await gw1.get(`/api/v1/cases/${b}`)).json<{ version: number }>().version;
    const merged = await gw1.post(`/api/v1/cases/${b}/actions`, { action: 'merge', version, into: a });
    expect(merged.statusCode, merged.body).toBe(200);
    type View = { location: { coordinates: [number, number] }; address: string | null };
    const follower = (await resident2.get(`/api/v1/cases/${a}`)).json<View>();
    expectCellCentre({ lat: follower.location.coordinates[1], long: follower.location.coordinates[0] }, A);
    expect(follower.address).toBeNull();
    const listed = (await resident2.get('/api/v1/cases')).json<{ items: (View & { id: string })[] }>();
    const inList = listed.items.find((i) => i.id === a)!;
    expect(inList.address).toBeNull();
    expect(inList.location.coordinates).toEqual(follower.location.coordinates);
    const own = (await resident.get(`/api/v1/cases/${a}`)).json<View>();
    expect(own).toMatchObject({ address: 'Flat 502, Block 3', location: { coordinates: [A.lng, A.lat] } });
  });
});
