import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveMessage } from '@civitas/contracts/devices';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

let t: TestApp;
let ca1: Client;
let base: string;
let device: { id: string; token: string };

beforeAll(async () => {
  t = await createTestApp();
  ca1 = await t.login('ca1');
  device = (
    await ca1.post('/api/v1/devices', {
      code: 'LV-1',
      name: 'live',
      profile: 'noise',
      location: { type: 'Point', coordinates: [113.82, 22.55] },
    })
  ).json();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await t.app.close();
});

/**
 * Reads server-sent events until `want` readings arrived in events of type telemetry.stored (a
 * device's readings within a second may come merged in one event: LivePacer).
 */
async function collect(headers: Record<string, string>, want: number, trigger?: () => Promise<void>) {
  const ctl = new AbortController();
  const res = await fetch(`${base}/api/v1/live`, {
    headers: { cookie: ca1.cookie, ...headers },
    signal: ctl.signal,
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const events: { id: number; data: { readings: { metric: string; value: unknown }[] } }[] = [];
  let buf = '';
  const started = Date.now();
  if (trigger) await trigger();
  while (events.flatMap((e) => e.data.readings).length < want && Date.now() - started < 5000) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += Buffer.from(value).toString();
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const id = /^id: (\d+)$/m.exec(block)?.[1];
      const type = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (!id || !data) continue;
      // Every message must be what the contract says the web receives (contracts/devices liveMessage).
      const message = liveMessage.parse({ type, data: JSON.parse(data) });
      if (message.type === 'telemetry.stored') events.push({ id: Number(id), data: message.data });
    }
  }
  ctl.abort();
  return { events, elapsed: Date.now() - started };
}

const send = (leq: number) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/ingest/${device.token}/telemetry`,
    headers: { 'content-type': 'application/json' },
    payload: { LAeq: leq },
  });

describe('live updates (server-sent events)', () => {
  it('deliver a new reading to a subscribed browser within a second', async () => {
    const { events, elapsed } = await collect({}, 1, async () => {
      await send(61);
    });
    expect(events[0]?.data.readings[0]).toMatchObject({ metric: 'LAeq', value: 61 });
    expect(elapsed).toBeLessThan(1000);
  });

  it('replay what was missed after Last-Event-ID', async () => {
    const first = await collect({}, 1, async () => {
      await send(62);
    });
    const lastId = first.events[0]!.id;
    await send(63);
    await send(64);
    const resumed = await collect({ 'last-event-id': String(lastId) }, 2);
    expect(resumed.events.flatMap((e) => e.data.readings.map((r) => r.value))).toEqual([63, 64]);
  });

  it('are scoped to the caller’s units', async () => {
    const gw2 = await t.login('gw2');
    const ctl = new AbortController();
    const res = await fetch(`${base}/api/v1/live`, {
      headers: { cookie: gw2.cookie, 'last-event-id': '0' },
      signal: ctl.signal,
    });
    const reader = res.body!.getReader();
    await send(65);
    const chunk = await Promise.race([
      reader.read(),
      new Promise<null>((r) => setTimeout(() => r(null), 500)),
    ]);
    ctl.abort();
    const text = chunk && !chunk.done ? Buffer.from(chunk.value).toString() : '';
    expect(text).not.toContain('LV-1');
  });

  it('refuse a unit outside the caller’s device.read reach, even one their org.read can see', async () => {
    // A grid worker of G1 who also audits the district: org.read over D, device.read over G1 only.
    await t.services.users.createUnchecked(
      { actor: null, requestId: 'test', ip: '127.0.0.1' },
      {
        username: 'gw-auditor',
        displayName: 'gw-auditor',
        kind: 'staff',
        password: FIXTURE_PASSWORD,
        grants: [
          { role: 'grid_worker', orgUnitId: t.units.get('G1')!.id, department: null },
          { role: 'auditor', orgUnitId: t.units.get('D')!.id, department: null },
        ],
      },
    );
    const mixed = await t.login('gw-auditor');
    const ca2 = await t.login('ca2');
    const other = (
      await ca2.post('/api/v1/devices', {
        code: 'LV-C2',
        name: 'live c2',
        profile: 'noise',
        location: { type: 'Point', coordinates: [113.85, 22.65] },
      })
    ).json<{ id: string; token: string }>();
    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/ingest/${other.token}/telemetry`,
      headers: { 'content-type': 'application/json' },
      payload: { LAeq: 77 },
    });
    expect(sent.statusCode).toBeLessThan(300);
    for (const unit of ['C2', 'C1', 'D']) {
      // Replay from the first event: a stream that opened would carry the C2 reading at once.
      const res = await fetch(`${base}/api/v1/live?unitId=${t.units.get(unit)!.id}`, {
        headers: { cookie: mixed.cookie, 'last-event-id': '0' },
      });
      expect(res.status, unit).toBe(403);
      expect(res.headers.get('content-type'), unit).toContain('application/problem+json');
      const body = await res.text();
      expect(body, unit).not.toContain(other.id);
      expect(body, unit).not.toContain('LAeq');
    }
    // Their own grid still streams.
    const ctl = new AbortController();
    const own = await fetch(`${base}/api/v1/live?unitId=${t.units.get('G1')!.id}`, {
      headers: { cookie: mixed.cookie },
      signal: ctl.signal,
    });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toContain('text/event-stream');
    ctl.abort();
  });
});
