import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import { FieldCipher } from '../platform/crypto/field-cipher.js';
import type { App } from '../platform/http/http-server.js';
import { createServices, type Services } from '../services.js';
import { createTestDatabase } from '../test-support/test-database.js';
import { generateDemoDistrict } from './demo-district.js';
import { DEMO_CASE_COUNT, planDemoCases } from './demo-cases.js';
import { ensureDemo } from './demo-loader.js';
import { withCaseTables } from '../modules/cases/cases.tables.js';

const PASSWORD = 'demo-password-for-tests';
const demo = generateDemoDistrict();
let app: App;
let services: Services;

beforeAll(async () => {
  const database = await createTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', DEMO: 'true' });
  services = createServices({
    config,
    database,
    cipher: new FieldCipher(randomBytes(32)),
    logger: pino({ level: 'silent' }),
  });
  app = await buildApp(config, services, { webRoot: null });
  await services.devices.ensureBuiltinProfiles();
  expect((await ensureDemo(services, PASSWORD)).loadedNow).toBe(true);
}, 240_000);

async function as(username: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: PASSWORD },
  });
  expect(res.statusCode, `${username}: ${res.body}`).toBe(200);
  const cookie = `civitas_session=${res.cookies.find((c) => c.name === 'civitas_session')!.value}`;
  return (url: string) => app.inject({ method: 'GET', url, headers: { cookie } });
}

/** Codes of the unit and all units below it, from the generator's own tree. */
function subtreeCodes(code: string): string[] {
  const out = [code];
  for (let i = 0; i < out.length; i++)
    for (const u of demo.units) if (u.parentCode === out[i]) out.push(u.code);
  return out.sort();
}

describe('demo district', () => {
  it('is loaded once: a second call only reports', async () => {
    expect((await ensureDemo(services, PASSWORD)).loadedNow).toBe(false);
    const n = await services.database.db
      .selectFrom('residents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(demo.residents.length);
  });

  it('gives every demo login exactly its own part of the tree', async () => {
    for (const user of demo.users) {
      const get = await as(user.username);
      const res = await get('/api/v1/org-units?limit=500');
      if (user.role === 'resident') {
        expect(res.statusCode).toBe(403);
        continue;
      }
      const codes = (res.json().items as { code: string }[]).map((u) => u.code).sort();
      expect(codes, user.username).toEqual(subtreeCodes(user.unitCode));
    }
  });

  it('shows a grid worker the residents of their grid and no others', async () => {
    const get = await as('demo-gridworker-1');
    const user = demo.users.find((u) => u.username === 'demo-gridworker-1')!;
    const expected = demo.residents.filter((r) => r.gridCode === user.unitCode).length;
    const list = (await get('/api/v1/residents?limit=200')).json();
    expect(list.total).toBe(expected);
    expect(new Set(list.items.map((r: { gridCode: string }) => r.gridCode))).toEqual(
      new Set([user.unitCode]),
    );
  });

  it('links the demo resident login to a registered resident', async () => {
    const u = await services.users.findByUsername('demo-resident-1');
    expect(u?.resident_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('seeds a case history through the case service, alive on the inbox and the metrics page', async () => {
    const db = withCaseTables(services.database.db);
    const rows = await db
      .selectFrom('cases as c')
      .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
      .select(['c.state', 'c.channel', 'cat.code', 'c.created_at', 'c.source_ref'])
      .execute();
    expect(rows).toHaveLength(DEMO_CASE_COUNT);
    const states = new Set(rows.map((r) => r.state));
    for (const s of ['closed', 'in_progress', 'rejected']) expect(states).toContain(s);
    expect(new Set(rows.map((r) => r.code)).size).toBeGreaterThanOrEqual(8);
    expect(new Set(rows.map((r) => r.channel)).size).toBeGreaterThanOrEqual(4);
    const oldest = Math.min(...rows.map((r) => r.created_at.getTime()));
    expect(Date.now() - oldest).toBeGreaterThan(90 * 24 * 3_600_000);
    // Every step left its timeline event (create, route, then one per action).
    const events = await db
      .selectFrom('case_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBeGreaterThan(DEMO_CASE_COUNT * 3);

    const commander = await as('demo-commander');
    const inbox = (await commander('/api/v1/cases?limit=5')).json();
    expect(inbox.total).toBe(DEMO_CASE_COUNT);
    const district = (await commander('/api/v1/org-units?limit=500'))
      .json()
      .items.find((u: { type: string }) => u.type === 'district');
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 200 * 24 * 3_600_000).toISOString();
    const m = await commander(`/api/v1/metrics/cases?unitId=${district.id}&from=${from}&to=${to}`);
    expect(m.statusCode, m.body).toBe(200);
    const figures = m.json().total;
    expect(figures.cases.total).toBe(DEMO_CASE_COUNT);
    expect(figures.cases.closed).toBeGreaterThan(0);
    expect(figures.satisfaction.count).toBeGreaterThan(0);
  });

  it('plans the same history for the same load time', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(planDemoCases(demo, now)).toEqual(planDemoCases(demo, now));
    expect(planDemoCases(demo, now).every((p) => p.createdAt <= now)).toBe(true);
  });
});
