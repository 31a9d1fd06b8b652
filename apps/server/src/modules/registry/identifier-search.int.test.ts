import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditRowsOf, userIdOf } from '../../test-support/audit-queries.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { RateCounter } from '../../platform/rate-limit/rate-counter.js';
import { idNumberCheckChar } from './id-number.js';
import { IdentifierSearchService } from './identifier-search.service.js';
import { ResidentsRepository } from './residents.repository.js';

// ADR 0021: an exact search by phone or ID number is a reveal. Regression tests for the review's
// finding that 10,000 unthrottled `GET /residents?phone=` requests recovered a masked number.
let t: TestApp;
let gw1: Client;
let gw2: Client;
let street1: Client;
const LIMIT = 4;
const PHONE = '13712344833';
const ID_NUMBER = '44030619800101123' + idNumberCheckChar('44030619800101123');
let residentId: string;

const db = () => t.services.database.db;
const userId = (username: string) => userIdOf(db(), username);
const auditRows = (action: string, actor: string) => auditRowsOf(db(), action, actor);
const counterRows = async (username: string) =>
  db()
    .selectFrom('rate_counters')
    .select(['key', 'hits'])
    .where('key', 'like', `%${await userId(username)}%`)
    .execute();
const search = (c: Client, body: Record<string, unknown>) =>
  c.post('/api/v1/residents/search', { reason: 'caller asks about a parcel', ...body });

beforeAll(async () => {
  t = await createTestApp({ IDENTIFIER_SEARCH_LIMIT: String(LIMIT), IDENTIFIER_SEARCH_WINDOW_MINUTES: '10' });
  [gw1, gw2, street1] = await Promise.all([t.login('gw1'), t.login('gw2'), t.login('street1')]);
  const res = await gw1.post('/api/v1/residents', {
    name: '王小明',
    phone: PHONE,
    idNumber: ID_NUMBER,
    gridId: t.units.get('G1')!.id,
  });
  expect(res.statusCode).toBe(201);
  residentId = res.json<{ id: string }>().id;
});

describe('the resident list', () => {
  it('refuses a phone or ID number in the query string, pointing to the search, and runs nothing', async () => {
    const before = (await auditRows('resident.list', 'gw1')).length;
    for (const q of [`phone=${PHONE}`, `idNumber=${ID_NUMBER}`, `flag=child&phone=${PHONE}`]) {
      const res = await gw1.get(`/api/v1/residents?${q}`);
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe('identifier_in_query');
      expect(body.detail).toContain('POST /api/v1/residents/search');
      expect(body.errors[0].path).toMatch(/^querystring\.(phone|idNumber)$/);
      expect(res.body).not.toContain('items');
    }
    expect(await auditRows('resident.list', 'gw1')).toHaveLength(before);
    expect(await counterRows('gw1')).toEqual([]);
  });
});

describe('search by identifier', () => {
  it('finds by phone or ID number in the body, audited as a reveal without the value', async () => {
    const byPhone = await search(gw1, { field: 'phone', value: '+86 137 1234 4833' });
    expect(byPhone.statusCode).toBe(200);
    expect(byPhone.json().items.map((i: { id: string }) => i.id)).toEqual([residentId]);
    expect(byPhone.json().items[0].phone).toBe('137****4833');
    const byId = await search(gw1, { field: 'idNumber', value: ID_NUMBER.toLowerCase() });
    expect(byId.json().items.map((i: { id: string }) => i.id)).toEqual([residentId]);
    const miss = await search(gw1, { field: 'phone', value: '13712340000' });
    expect(miss.json()).toEqual({ items: [], truncated: false });

    const rows = (await auditRows('resident.reveal', 'gw1')).filter(
      (r) => (r.detail as { via?: string }).via === 'search',
    );
    expect(rows.map((r) => r.detail)).toEqual([
      { via: 'search', field: 'phone', reason: 'caller asks about a parcel', matched: 1, ids: [residentId] },
      {
        via: 'search',
        field: 'idNumber',
        reason: 'caller asks about a parcel',
        matched: 1,
        ids: [residentId],
      },
      // A miss is information too: it is written like a hit.
      { via: 'search', field: 'phone', reason: 'caller asks about a parcel', matched: 0, ids: [] },
    ]);
    expect(rows[0]!.target_id).toBe(residentId);
    expect(rows[0]!.actor_role).toBe('grid_worker');
    const stored = JSON.stringify(rows);
    for (const secret of [PHONE, '12344833', '1234 4833', ID_NUMBER, ID_NUMBER.slice(6, 14)]) {
      expect(stored).not.toContain(secret);
    }
    await sql`DELETE FROM rate_counters`.execute(db());
  });

  it('stays within the units where the caller may reveal', async () => {
    // gw2 reveals in G2 only: the G1 resident is not found, and G1 cannot be named.
    expect((await search(gw2, { field: 'phone', value: PHONE })).json().items).toEqual([]);
    const g1 = await search(gw2, { field: 'phone', value: PHONE, unitId: t.units.get('G1')!.id });
    expect(g1.statusCode).toBe(404);
    await sql`DELETE FROM rate_counters`.execute(db());
  });

  it('is refused without resident.reveal before anything is looked up, logged or counted', async () => {
    // The street officer reads residents (masked) but may not reveal them.
    const res = await search(street1, { field: 'phone', value: PHONE });
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain(residentId);
    expect(await auditRows('resident.reveal', 'street1')).toEqual([]);
    expect(await auditRows('security.alert', 'street1')).toEqual([]);
    expect(await counterRows('street1')).toEqual([]);
  });

  it('needs a reason, and a refused request does not use up a search', async () => {
    const res = await gw1.post('/api/v1/residents/search', { field: 'phone', value: PHONE });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.reason');
    expect(
      (await gw1.post('/api/v1/residents/search', { field: 'name', value: 'x', reason: 'why not' }))
        .statusCode,
    ).toBe(400);
    expect(await counterRows('gw1')).toEqual([]);
  });

  it('is limited per user: the search past the limit is 429, not run, and alerts once', async () => {
    const before = (await auditRows('resident.reveal', 'gw1')).length;
    // Misses count: an enumeration is mostly misses.
    for (let i = 0; i < LIMIT; i++) {
      expect(
        (await search(gw1, { field: 'phone', value: `1371234${String(i).padStart(4, '0')}` })).statusCode,
      ).toBe(200);
    }
    const refused = await search(gw1, { field: 'phone', value: PHONE });
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(10 * 60 * 2);
    expect(refused.json()).toMatchObject({
      code: 'identifier_search_limited',
      retryAfterSeconds: retryAfter,
    });
    expect(refused.body).not.toContain(residentId);
    // The refused search was not run: no reveal row beyond the allowed ones.
    expect(await auditRows('resident.reveal', 'gw1')).toHaveLength(before + LIMIT);

    // The rest of the burst is refused too, with still one alert for the window.
    for (let i = 0; i < 3; i++) {
      expect((await search(gw1, { field: 'idNumber', value: ID_NUMBER })).statusCode).toBe(429);
    }
    await Promise.all([
      search(gw1, { field: 'phone', value: PHONE }),
      search(gw1, { field: 'phone', value: PHONE }),
    ]);
    const alerts = await auditRows('security.alert', 'gw1');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.detail).toMatchObject({
      kind: 'identifier_search_limit',
      field: 'phone',
      limit: LIMIT,
      windowMinutes: 10,
    });
    expect(alerts[0]!.target_id).toBe(await userId('gw1'));
    expect(JSON.stringify(alerts)).not.toContain(PHONE);
    expect(await auditRows('resident.reveal', 'gw1')).toHaveLength(before + LIMIT);

    // A second process (its own counter and service over the same database) refuses as well.
    const actor = await t.services.auth.actorForUser('gw1');
    const other = new IdentifierSearchService(
      new ResidentsRepository(t.services.db),
      t.services.orgs,
      t.services.cipher,
      t.services.audit,
      new RateCounter(db()),
      { limit: LIMIT, windowMinutes: 10 },
    );
    await expect(
      other.search(
        { actor: actor!, requestId: 'other-process', ip: '127.0.0.1' },
        { field: 'phone', value: PHONE, reason: 'from elsewhere' },
      ),
    ).rejects.toMatchObject({ status: 429, code: 'identifier_search_limited' });
    expect(await auditRows('resident.reveal', 'gw1')).toHaveLength(before + LIMIT);

    // Another user's searches are their own.
    expect((await search(gw2, { field: 'phone', value: PHONE })).statusCode).toBe(200);
  });
});
