import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { AQ, ngsiFixture, type NgsiFixture } from '../../../test-support/ngsi-ld-fixture.js';

/**
 * No request can freeze the server (ADR 0019). The bounds are correctness bounds for a loaded
 * 2-core machine, not benchmarks: a backtracking engine takes seconds to hours on these inputs.
 */
const BOUND_MS = 2000;
let f: NgsiFixture;
beforeAll(async () => {
  f = await ngsiFixture();
});

/**
 * Runs a request while probing /healthz back to back. Each round first lets timers and I/O run (the
 * probe alone would only chain microtasks), so a round that takes long means the event loop was held.
 * Returns the answer, its time, and the slowest round.
 */
async function whileProbing(url: string) {
  const started = performance.now();
  let done = false;
  const query = f.ngsi(url).finally(() => (done = true));
  let worstRound = 0;
  while (!done && performance.now() - started < 5 * BOUND_MS) {
    const roundStart = performance.now();
    await new Promise((resolve) => setImmediate(resolve));
    const health = await f.t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    worstRound = Math.max(worstRound, performance.now() - roundStart);
  }
  const res = await query;
  return { res, ms: performance.now() - started, worstProbe: worstRound };
}

describe('hostile NGSI-LD queries', () => {
  it('answer within the bound while /healthz stays responsive (the reported reproduction and variants)', async () => {
    for (const pattern of [
      '^.{13}(.|.)*!$',
      '^.{11}(.|.)*!$',
      '^.{7}(.|.)*!$',
      '^.{13}(.|.|.)*(.|.)*!$',
      '^(([a-z])+.)+[A-Z]([a-z])+$',
      '(a+)+$',
      '(.*a){20}$',
    ]) {
      const { res, ms, worstProbe } = await whileProbing(
        `/entities?idPattern=${encodeURIComponent(pattern)}`,
      );
      expect(res.statusCode, `${pattern}: ${res.body}`).toBe(200);
      expect(res.json(), pattern).toEqual([]);
      expect(ms, pattern).toBeLessThan(BOUND_MS);
      expect(worstProbe, pattern).toBeLessThan(BOUND_MS / 2);
    }
    const q = `name~="^.{3}(.|.)*!$";status!~="(x+x+)+y"`;
    const { res, ms } = await whileProbing(`/entities?type=ParkingSpot&q=${encodeURIComponent(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('refuse patterns whose compiled form would be large, before running them', async () => {
    for (const pattern of ['(.{0,1000})(.{0,1000})', 'x{1001}', '(?=lookahead)', '(a)\\1']) {
      const res = await f.ngsi(`/entities?idPattern=${encodeURIComponent(pattern)}`);
      expect(res.statusCode, pattern).toBe(400);
      expect(res.json().detail, pattern).toMatch(/^idPattern: /);
    }
  });
});

describe('fuzzing the NGSI-LD query language', () => {
  const fragment = fc.constantFrom(
    'pm25',
    'status',
    'name',
    'location',
    'https://smartdatamodels.org/dataModel.Environment/pm25',
    '==',
    '!=',
    '>',
    '<=',
    '~=',
    '!~=',
    ';',
    '|',
    '(',
    ')',
    '..',
    ',',
    '"',
    '\\',
    '1',
    '2.5',
    '-3e2',
    '2024-01-01T00:00:00Z',
    'true',
    '"free"',
    '(.|.)*',
    '(a+)+',
    '.{13}',
    '^',
    '$',
    '[a-z]',
    '{1000}',
    '\u0000',
  );
  const expression = fc.oneof(
    fc.array(fragment, { maxLength: 25 }).map((xs) => xs.join('')),
    fc.string({ maxLength: 300 }),
  );
  const check = async (url: string) => {
    const started = performance.now();
    const res = await f.ngsi(url);
    const ms = performance.now() - started;
    expect([200, 400, 403], `${url}: ${res.body}`).toContain(res.statusCode);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(ms, url).toBeLessThan(BOUND_MS);
  };

  it('answers every q and idPattern with 200 or an NGSI-LD 4xx, each within the bound', async () => {
    await fc.assert(
      fc.asyncProperty(expression, async (q) =>
        check(`/entities?type=AirQualityObserved&q=${encodeURIComponent(q)}`),
      ),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(expression, async (p) => check(`/entities?idPattern=${encodeURIComponent(p)}`)),
      { numRuns: 150 },
    );
  });

  it('answers every geo-query with 200 or an NGSI-LD 4xx, each within the bound', async () => {
    const number = fc.oneof(fc.double({ noNaN: true }), fc.integer(), fc.constantFrom(1e308, -0, 180.0001));
    const coordinates = fc.oneof(
      fc.tuple(number, number).map((p) => JSON.stringify(p)),
      fc
        .array(fc.tuple(number, number), { maxLength: 300 })
        .map((ring) => JSON.stringify([[...ring, ring[0] ?? [0, 0]]])),
      fc.string({ maxLength: 200 }),
      fc.constant(`${'['.repeat(2000)}${']'.repeat(2000)}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'near;maxDistance==2000',
          'near;minDistance==1e400',
          'within',
          'intersects',
          'disjoint',
          'equals',
          'near',
          'x;y',
        ),
        fc.constantFrom('Point', 'Polygon', 'MultiPolygon', 'LineString', ''),
        coordinates,
        async (georel, geometry, coords) =>
          check(
            `/entities?type=AirQualityObserved&georel=${encodeURIComponent(georel)}&geometry=${geometry}&coordinates=${encodeURIComponent(coords)}`,
          ),
      ),
      { numRuns: 150 },
    );
    // The request above did real work: a plain near-query finds the seeded entity.
    const near = await f.ngsi(
      '/entities?type=AirQualityObserved&georel=near;maxDistance==2000&geometry=Point&coordinates=[113.82,22.55]',
    );
    expect(near.json().map((e: { id: string }) => e.id)).toEqual([`${AQ}AQ-0001`]);
  });
});
