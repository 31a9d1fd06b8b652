import { beforeAll, describe, expect, it } from 'vitest';
import { CORE_CONTEXT } from './ld-context.js';
import {
  AQ,
  ERR,
  ids,
  ngsiFixture,
  storedReadings,
  type NgsiFixture,
} from '../../../test-support/ngsi-ld-fixture.js';

let f: NgsiFixture;
beforeAll(async () => {
  f = await ngsiFixture();
});

const SDM_ENV = 'https://smartdatamodels.org/dataModel.Environment/';
const SDM_CONTEXT = 'https://smartdatamodels.org/context.jsonld';
const link = (url: string) =>
  `<${url}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`;

describe('content negotiation (clause 6.3.4)', () => {
  it('answers 406 to an Accept it cannot produce, and stores nothing on a refused upsert', async () => {
    for (const url of [
      '/entities?type=AirQualityObserved',
      `/entities/${AQ}AQ-0001`,
      `/temporal/entities/${AQ}AQ-0001`,
    ]) {
      const res = await f.ngsi(url, { accept: 'application/xml' });
      expect(res.statusCode, url).toBe(406);
      expect(res.json()).toMatchObject({
        title: 'Not Acceptable',
        detail: expect.stringContaining('application/json'),
      });
    }
    const temporal = await f.ngsi(`/temporal/entities/${AQ}AQ-0001`, { accept: 'application/geo+json' });
    expect(temporal.statusCode).toBe(406);
    const before = await storedReadings(f.t, f.devices.get('AQ-0002')!.id);
    const upsert = await f.ngsi('/entityOperations/upsert', {
      method: 'POST',
      accept: 'text/html',
      body: [{ id: `${AQ}AQ-0002`, type: 'AirQualityObserved', pm25: 11 }],
    });
    expect(upsert.statusCode).toBe(406);
    expect(await storedReadings(f.t, f.devices.get('AQ-0002')!.id)).toBe(before);
  });

  it('picks by weight, then by the clause order json, ld+json, geo+json', async () => {
    const type = async (accept: string) =>
      (await f.ngsi(`/entities/${AQ}AQ-0001`, { accept })).headers['content-type'];
    expect(await type('application/ld+json, application/json')).toMatch(/^application\/json/);
    expect(await type('application/geo+json, application/json')).toMatch(/^application\/json/);
    expect(await type('application/json;q=0.1, application/ld+json;q=0.9')).toMatch(/^application\/ld\+json/);
    expect(await type('application/json;q=0, */*;q=0.5')).toMatch(/^application\/ld\+json/);
    expect(await type('application/geo+json')).toMatch(/^application\/geo\+json/);
    expect(await type('*/*')).toMatch(/^application\/json/);
  });
});

describe('expanded names (clause 4.4)', () => {
  it('accepts entity types as full IRIs: Smart Data Models and default vocabulary', async () => {
    const short = ids((await f.ngsi('/entities?type=AirQualityObserved')).json());
    expect(short).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0002`]);
    for (const type of [
      `${SDM_ENV}AirQualityObserved`,
      'https://uri.etsi.org/ngsi-ld/default-context/AirQualityObserved',
    ]) {
      const res = await f.ngsi(`/entities?type=${encodeURIComponent(type)}`);
      expect(res.statusCode, type).toBe(200);
      expect(ids(res.json()), type).toEqual(short);
    }
    const both = await f.ngsi(
      `/entities?type=${encodeURIComponent(`${SDM_ENV}AirQualityObserved,https://smartdatamodels.org/dataModel.Parking/ParkingSpot`)}`,
    );
    expect(ids(both.json())).toEqual([...short, 'urn:ngsi-ld:ParkingSpot:PS-1']);
    // Another model's IRI for the same short name is another type: nothing matches.
    for (const type of [
      'https://smartdatamodels.org/dataModel.Parking/AirQualityObserved',
      'https://example.org/AirQualityObserved',
    ]) {
      const res = await f.ngsi(`/entities?type=${encodeURIComponent(type)}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual([]);
    }
  });

  it('accepts attribute IRIs in attrs and q', async () => {
    const attrs = encodeURIComponent(`${SDM_ENV}pm25,https://uri.etsi.org/ngsi-ld/location`);
    const res = await f.ngsi(`/entities?id=${AQ}AQ-0001&attrs=${attrs}&options=keyValues`);
    expect(res.json()).toEqual([
      {
        id: `${AQ}AQ-0001`,
        type: 'AirQualityObserved',
        pm25: 45,
        location: { type: 'Point', coordinates: [113.82, 22.55] },
      },
    ]);
    const q = await f.ngsi(`/entities?type=AirQualityObserved&q=${encodeURIComponent(`${SDM_ENV}pm25>35`)}`);
    expect(ids(q.json())).toEqual([`${AQ}AQ-0001`]);
    const unknown = await f.ngsi(
      `/entities?type=AirQualityObserved&q=${encodeURIComponent('https://example.org/pm25>1')}`,
    );
    expect(unknown.json()).toEqual([]);
  });

  it('matches the q pattern operators and idPattern on the linear engine', async () => {
    const q = async (expr: string, type = 'ParkingSpot') =>
      (await f.ngsi(`/entities?type=${type}&q=${encodeURIComponent(expr)}`)).json();
    expect(ids(await q('status~="^fr"'))).toEqual(['urn:ngsi-ld:ParkingSpot:PS-1']);
    expect(ids(await q('status!~="^fr"'))).toEqual([]);
    expect(ids(await q('name~=(?i)^aq-000[2]', 'AirQualityObserved'))).toEqual([`${AQ}AQ-0002`]);
    const bad = await f.ngsi(`/entities?type=ParkingSpot&q=${encodeURIComponent('status~="(?=f)"')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      type: `${ERR}BadRequestData`,
      detail: expect.stringContaining('RE2'),
    });
    const pattern = await f.ngsi(`/entities?idPattern=${encodeURIComponent('AQ-000[12]$')}`);
    expect(ids(pattern.json())).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0002`]);
  });
});

describe('JSON-LD @context (clauses 5.5.6, 5.5.7, 6.3.5)', () => {
  it('honours a Link to the core or a Smart Data Models context and echoes it', async () => {
    for (const ctx of [
      CORE_CONTEXT,
      SDM_CONTEXT,
      'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld',
    ]) {
      const res = await f.ngsi('/entities?type=AirQualityObserved', { headers: { link: link(ctx) } });
      expect(res.statusCode, ctx).toBe(200);
      expect(ids(res.json())).toHaveLength(2);
      expect(res.headers.link).toBe(link(ctx));
      const ld = await f.ngsi(`/entities/${AQ}AQ-0001`, {
        accept: 'application/ld+json',
        headers: { link: link(ctx) },
      });
      expect(ld.json()['@context']).toBe(ctx);
    }
    const none = await f.ngsi('/entities?type=AirQualityObserved');
    expect(none.headers.link).toBe(link(CORE_CONTEXT));
  });

  it('answers LdContextNotAvailable (503) for a context it cannot retrieve, and stores nothing', async () => {
    const remote = 'https://example.org/contexts/mine.jsonld';
    const get = await f.ngsi('/entities?type=AirQualityObserved', { headers: { link: link(remote) } });
    expect(get.statusCode).toBe(503);
    expect(get.json()).toMatchObject({ type: `${ERR}LdContextNotAvailable`, title: expect.any(String) });
    const device = f.devices.get('AQ-0002')!.id;
    const before = await storedReadings(f.t, device);
    const put = await f.ngsi('/entityOperations/upsert', {
      method: 'POST',
      type: 'application/ld+json',
      body: [
        { id: `${AQ}AQ-0002`, type: 'AirQualityObserved', pm25: 12, '@context': [remote, CORE_CONTEXT] },
      ],
    });
    // A batch reports it per entity (ETSI TP 043_01_04); a Link applies to the whole request.
    expect(put.statusCode).toBe(207);
    expect(put.json().errors[0].error).toMatchObject({
      type: `${ERR}LdContextNotAvailable`,
      title: expect.any(String),
    });
    const linked = await f.ngsi('/entityOperations/upsert', {
      method: 'POST',
      headers: { link: link(remote) },
      body: [{ id: `${AQ}AQ-0002`, type: 'AirQualityObserved', pm25: 12 }],
    });
    expect(linked.statusCode).toBe(503);
    expect(await storedReadings(f.t, device)).toBe(before);
  });

  it('resolves attribute names through an inline context, and refuses names it maps elsewhere', async () => {
    const device = f.devices.get('AQ-0002')!.id;
    const ok = await f.ngsi('/entityOperations/upsert', {
      method: 'POST',
      type: 'application/ld+json',
      body: [
        {
          id: `${AQ}AQ-0002`,
          type: `${SDM_ENV}AirQualityObserved`,
          particulates: { type: 'Property', value: 13 },
          '@context': [{ particulates: `${SDM_ENV}pm25` }, CORE_CONTEXT],
        },
      ],
    });
    expect(ok.statusCode, ok.body).toBe(204);
    const latest = await f.ngsi(`/entities/${AQ}AQ-0002?attrs=pm25&options=keyValues`);
    expect(latest.json().pm25).toBe(13);
    const before = await storedReadings(f.t, device);
    const elsewhere = await f.ngsi('/entityOperations/upsert', {
      method: 'POST',
      type: 'application/ld+json',
      body: [
        {
          id: `${AQ}AQ-0002`,
          type: 'AirQualityObserved',
          pm25: 99,
          '@context': [{ pm25: 'https://example.org/vocab/pm25' }, CORE_CONTEXT],
        },
      ],
    });
    expect(elsewhere.statusCode).toBe(207);
    expect(elsewhere.json().errors[0].error.detail).toMatch(/not an attribute this broker holds/);
    expect(await storedReadings(f.t, device)).toBe(before);
  });

  it('refuses a context Link together with an application/ld+json body', async () => {
    const res = await f.ngsi('/entityOperations/upsert', {
      method: 'POST',
      type: 'application/ld+json',
      headers: { link: link(CORE_CONTEXT) },
      body: [{ id: `${AQ}AQ-0002`, type: 'AirQualityObserved', pm25: 1, '@context': CORE_CONTEXT }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().type).toBe(`${ERR}BadRequestData`);
  });
});

describe('GeoJSON (clauses 4.5.16 and 6.3.15)', () => {
  const geo = 'application/geo+json';

  it('answers a query as a FeatureCollection with the @context in the body', async () => {
    const res = await f.ngsi('/entities?type=AirQualityObserved&attrs=pm25,location', { accept: geo });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
    expect(res.headers.link).toBeUndefined();
    const body = res.json();
    expect(body).toMatchObject({ type: 'FeatureCollection', '@context': CORE_CONTEXT });
    expect(body.features[0]).toEqual({
      id: `${AQ}AQ-0001`,
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [113.82, 22.55] },
      properties: {
        type: 'AirQualityObserved',
        pm25: expect.objectContaining({ type: 'Property', value: 45 }),
        location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [113.82, 22.55] } },
      },
    });
    expect(ids(body.features)).toEqual([`${AQ}AQ-0001`, `${AQ}AQ-0002`]);
  });

  it('simplifies properties with keyValues, moves the context with Prefer, and honours geometryProperty', async () => {
    const res = await f.ngsi(`/entities/${AQ}AQ-0001?options=keyValues&attrs=pm25`, {
      accept: geo,
      headers: { prefer: 'body=json' },
    });
    expect(res.json()).toEqual({
      id: `${AQ}AQ-0001`,
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [113.82, 22.55] },
      properties: { type: 'AirQualityObserved', pm25: 45 },
    });
    expect(res.headers.link).toBe(link(CORE_CONTEXT));
    const none = await f.ngsi(`/entities/${AQ}AQ-0001?geometryProperty=observationSpace`, { accept: geo });
    expect(none.json()).toMatchObject({ type: 'Feature', geometry: null, '@context': CORE_CONTEXT });
  });
});
