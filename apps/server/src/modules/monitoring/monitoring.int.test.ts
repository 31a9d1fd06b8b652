import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';

const TOKEN = 'metrics-scraper-token-1234';
let t: TestApp;
let guarded: TestApp;

beforeAll(async () => {
  [t, guarded] = await Promise.all([createTestApp(), createTestApp({ METRICS_TOKEN: TOKEN })]);
});
afterAll(async () => {
  await Promise.all([t.app.close(), guarded.app.close()]);
});

const scrape = (app: TestApp, remoteAddress = '127.0.0.1', headers: Record<string, string> = {}) =>
  app.app.inject({ method: 'GET', url: '/api/metrics', remoteAddress, headers });

/** The value of one sample line, e.g. `civitas_cases{state="new"}`. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /api/metrics', () => {
  it('counts what happened: HTTP by route pattern, stored and refused readings, the case backlog', async () => {
    const ca1 = await t.login('ca1');
    const device = (
      await ca1.post('/api/v1/devices', {
        code: 'MON-1',
        name: 'monitored',
        profile: 'noise',
        location: { type: 'Point', coordinates: [113.82, 22.55] },
      })
    ).json<{ id: string; token: string }>();
    const ingest = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/ingest/${device.token}/telemetry`,
        headers: { 'content-type': 'application/json' },
        payload,
      });
    expect((await ingest({ LAeq: 55 })).statusCode).toBeLessThan(300);
    expect((await ingest({ nonsense: 1 })).statusCode).toBeLessThan(500);
    await t.services.writer.drain();

    const r = await scrape(t);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    const text = r.body;
    // By the route's pattern: the device token in the URL never becomes a label.
    expect(text).toContain('route="/api/v1/ingest/:token/telemetry"');
    expect(text).not.toContain(device.token);
    expect(sample(text, 'civitas_telemetry_readings_stored_total')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/civitas_telemetry_rejected_total\{reason="[a-z_]+"\} [1-9]/);
    expect(text).toMatch(/civitas_telemetry_commit_duration_seconds_count [1-9]/);
    expect(sample(text, 'civitas_live_clients')).toBe(0);
    expect(text).toContain('# TYPE civitas_cases gauge');
    expect(text).toContain('civitas_process_cpu_user_seconds_total');
  });

  it('answers only this machine without a token, and only the token with one', async () => {
    expect((await scrape(t, '10.1.2.3')).statusCode).toBe(403);
    // A forwarded address does not make a remote scraper local.
    expect((await scrape(t, '10.1.2.3', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(403);
    expect((await scrape(guarded, '127.0.0.1')).statusCode).toBe(401);
    expect(
      (await scrape(guarded, '10.1.2.3', { authorization: 'Bearer wrong-token-wrong-token' })).statusCode,
    ).toBe(401);
    const ok = await scrape(guarded, '10.1.2.3', { authorization: `Bearer ${TOKEN}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('civitas_http_request_duration_seconds');
  });

  it('serves every series the Grafana dashboard in docs/ reads', async () => {
    const dashboard = fs.readFileSync(
      new URL('../../../../../docs/grafana-dashboard.json', import.meta.url),
      'utf8',
    );
    const wanted = new Set(
      [...dashboard.matchAll(/civitas_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')),
    );
    // Registered by the MQTT door when the ingest role starts it; the test app starts none.
    wanted.delete('civitas_mqtt_connections');
    // PGlite has one connection and no pool.
    if (t.services.database.engine === 'pglite') wanted.delete('civitas_db_pool_connections');
    expect(wanted.size).toBeGreaterThan(8);
    const text = (await scrape(t)).body;
    for (const name of wanted) expect(text, name).toContain(`# TYPE ${name} `);
  });

  it('takes no path the web app routes to (the browser must get the app there, not an answer of ours)', () => {
    const routes = fs.readFileSync(
      new URL('../../../../web/src/app/app-routes.tsx', import.meta.url),
      'utf8',
    );
    const paths = [...routes.matchAll(/path="(\/[^"]*)"/g)].map((m) => m[1]!).filter((p) => p !== '/');
    expect(paths).toContain('/metrics');
    for (const url of paths) expect(t.app.hasRoute({ method: 'GET', url }), url).toBe(false);
  });
});
