import { beforeAll, describe, expect, it } from 'vitest';
import { at, report } from '../../test-support/case-fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { withCaseTables } from './cases.tables.js';

/** ADR 0048: what the system writes to a person is a code rendered in the reader's language. */
let t: TestApp;
let resident: Client;
let gw1: Client;

beforeAll(async () => {
  t = await createTestApp();
  [resident, gw1] = (await Promise.all(['resident', 'gw1'].map((u) => t.login(u)))) as [Client, Client];
});

const notificationsOf = async (client: Client) =>
  (await client.get('/api/v1/notifications?limit=200')).json().items as {
    caseId: string;
    code: string | null;
    params: Record<string, unknown>;
    title: { 'zh-CN': string; en: string };
  }[];

describe('a title the system writes', () => {
  it('names a patrol finding by its category in each language, for every reader', async () => {
    const res = await gw1.post('/api/v1/cases', {
      channel: 'patrol',
      category: 'road_facility.pothole',
      location: { type: 'Point', coordinates: at.G1 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    expect(c.systemTitle).toEqual(c.category.name);
    expect(c.systemTitle['zh-CN']).not.toBe(c.systemTitle.en);
    // Stored for integrators in the installation's first language, with the code beside it.
    const row = await withCaseTables(t.services.database.db)
      .selectFrom('cases')
      .select(['title', 'title_code'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ title: c.category.name['zh-CN'], title_code: 'category' });
    // The staff who receive it read the title in either language from the notification's params.
    const routed = await withCaseTables(t.services.database.db)
      .withTables<{ notifications: { case_id: string; code: string; params: unknown } }>()
      .selectFrom('notifications')
      .select(['code', 'params'])
      .where('case_id', '=', c.id)
      .execute();
    expect(routed.length).toBeGreaterThan(0);
    for (const n of routed) {
      expect(n.code).toBe('routed');
      expect(n.params).toEqual({ ref: c.ref, title: c.category.name });
    }
  });

  it('is given to the resident who reported without a title, in the public view too', async () => {
    const res = await report(resident, { title: undefined, description: '' });
    expect(res.statusCode, res.body).toBe(201);
    const c = (await resident.get(`/api/v1/cases/${res.json().id}`)).json();
    expect(c.systemTitle).toEqual(c.category.name);
  });

  it('leaves a title a person wrote as written, with no system title', async () => {
    const res = await report(resident, { title: '楼下路面有坑' });
    const c = res.json();
    expect(c.title).toBe('楼下路面有坑');
    expect(c.systemTitle).toBeNull();
  });
});

describe('notifications as code and parameters', () => {
  it('tell the reporter of each state change by code, the state as a value the web words', async () => {
    const res = await report(resident, { title: 'Notification code case' });
    const c = res.json();
    const mine = (await notificationsOf(resident)).filter((n) => n.caseId === c.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      code: 'state_changed',
      params: { ref: c.ref, title: 'Notification code case', state: 'submitted' },
    });
    // The server's own rendering, for channels that need finished text, uses the same word.
    expect(mine[0]!.title['zh-CN']).toContain('已提交');
  });
});

describe('the language a person reads', () => {
  it('is saved on the account; an unknown language is refused and changes nothing', async () => {
    expect((await gw1.get('/api/v1/auth/me')).json().locale).toBe('zh-CN');
    expect((await gw1.put('/api/v1/auth/locale', { locale: 'fr' })).statusCode).toBe(400);
    expect((await gw1.get('/api/v1/auth/me')).json().locale).toBe('zh-CN');
    expect((await gw1.put('/api/v1/auth/locale', { locale: 'en' })).statusCode).toBe(204);
    expect((await gw1.get('/api/v1/auth/me')).json().locale).toBe('en');
    // Only one's own: another account keeps its language.
    expect((await resident.get('/api/v1/auth/me')).json().locale).toBe('zh-CN');
  });
});
