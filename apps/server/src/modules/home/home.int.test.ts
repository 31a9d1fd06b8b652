import type { HomeOverview } from '@civitas/contracts/home';
import { openCaseStates } from '@civitas/contracts/cases';
import { beforeAll, describe, expect, it } from 'vitest';
import { act, at, report, userId } from '../../test-support/case-fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { HOUR, ManualClock } from '../cases/case-clock.js';

/**
 * The homes' figures against the lists they open: every count must equal the total of the inbox,
 * resident or device list filtered the same way, for each role and scope; sections follow the
 * caller's permissions and units.
 */
let t: TestApp;
let clock: ManualClock;
let resident: Client;
let gw1: Client;
let ca1: Client;
let ca2: Client;
let commander: Client;
let police: Client;
let auditor: Client;

const home = async (c: Client, query = '') => {
  const r = await c.get(`/api/v1/home${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<HomeOverview>();
};
const total = async (c: Client, url: string) => {
  const r = await c.get(url);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<{ total: number }>().total;
};
const reportAt = async (point: [number, number], title: string) => {
  const r = await report(resident, { title, location: { type: 'Point', coordinates: point } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json<{ id: string; version: number }>();
};

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-05-10T08:00:00Z'));
  t = await createTestApp({}, { clock });
  const clients = await Promise.all(
    ['resident', 'gw1', 'ca1', 'ca2', 'commander', 'police', 'auditor'].map((u) => t.login(u)),
  );
  [resident, gw1, ca1, ca2, commander, police, auditor] = clients as [
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
  ];
  // Two weeks ago: three cases in community C1 (two in grid G1, one in G2), one in C2; one of
  // G1's is accepted and assigned to gw1. By now all four are past their deadlines.
  const a = await reportAt(at.G1, 'Lamp out at gate 2');
  await reportAt(at.G1, 'Bin overflowing');
  await reportAt(at.G2, 'Loose paving');
  await reportAt(at.G3, 'Blocked drain');
  const accepted = await act(gw1, a.id, { action: 'accept', version: a.version });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const assigned = await act(gw1, a.id, {
    action: 'assign',
    assigneeId: await userId(t, 'gw1'),
    version: accepted.json<{ version: number }>().version,
  });
  expect(assigned.statusCode, assigned.body).toBe(200);
  clock.advance(14 * 24 * HOUR);
  // Today: one fresh case in G1, its response deadline ahead.
  await reportAt(at.G1, 'Graffiti on the wall');

  for (const [name, flags] of [
    ['王大爷', { elderlyLivingAlone: true, disability: false, child: false, needsAssistance: true }],
    ['李奶奶', { elderlyLivingAlone: true, disability: false, child: false, needsAssistance: false }],
    ['张三', { elderlyLivingAlone: false, disability: true, child: false, needsAssistance: false }],
  ] as const) {
    const r = await gw1.post('/api/v1/residents', { name, gridId: t.units.get('G1')!.id, flags });
    expect(r.statusCode, r.body).toBe(201);
  }
  const dev = await ca1.post('/api/v1/devices', {
    code: 'HOME-AQ-1',
    name: 'Air quality at the gate',
    profile: 'air-quality',
    location: { type: 'Point', coordinates: at.G1 },
  });
  expect(dev.statusCode, dev.body).toBe(201);
}, 120_000);

describe('home overview', () => {
  it('counts each role’s cases as the inbox does, filter by filter', async () => {
    for (const client of [gw1, ca1, ca2, commander, police]) {
      const h = await home(client);
      const c = h.cases!;
      for (const s of openCaseStates)
        expect(c.byState[s], s).toBe(await total(client, `/api/v1/cases?state=${s}&limit=1`));
      expect(c.open).toBe(await total(client, `/api/v1/cases?state=${openCaseStates.join(',')}&limit=1`));
      expect(c.overdue).toBe(await total(client, '/api/v1/cases?overdue=true&limit=1'));
      expect(c.pendingInfo).toBe(await total(client, '/api/v1/cases?state=pending_info&limit=1'));
      expect(c.awaitingConfirmation).toBe(await total(client, '/api/v1/cases?state=resolved&limit=1'));
      expect(c.mine.open).toBe(
        await total(client, `/api/v1/cases?assignedToMe=true&state=${openCaseStates.join(',')}&limit=1`),
      );
      for (const row of c.byUnit)
        expect(row.overdue, row.unit.code).toBe(
          await total(client, `/api/v1/cases?overdue=true&unitId=${row.unit.id}&limit=1`),
        );
    }
  });

  it('knows the figures worked out by hand', async () => {
    const district = (await home(commander)).cases!;
    expect(district.open).toBe(5);
    expect(district.overdue).toBe(4);
    expect(district.dueSoon).toBe(1);
    expect(district.byUnit.map((u) => [u.unit.code, u.open, u.overdue])).toEqual([
      ['S1', 5, 4],
      ['T1', 0, 0],
    ]);
    const c1 = (await home(ca1)).cases!;
    expect([c1.open, c1.overdue, c1.byState.submitted, c1.byState.assigned]).toEqual([4, 3, 3, 1]);
    expect(c1.byUnit.map((u) => [u.unit.code, u.open, u.overdue])).toEqual([
      ['G1', 3, 2],
      ['G2', 1, 1],
    ]);
    const worker = (await home(gw1)).cases!;
    expect(worker.mine).toEqual({ open: 1, overdue: 1, dueSoon: 0 });
    expect((await home(ca2)).cases!.open).toBe(1);
    // Department staff see only the cases routed to their department: none of these.
    expect((await home(police)).cases!.open).toBe(0);
  });

  it('narrows to a unit inside the caller’s reach, and hides one outside it', async () => {
    const g2 = t.units.get('G2')!.id;
    const narrowed = await home(ca1, `?unitId=${g2}`);
    expect(narrowed.unit?.code).toBe('G2');
    expect(narrowed.cases!.open).toBe(1);
    expect(narrowed.cases!.open).toBe(
      await total(ca1, `/api/v1/cases?unitId=${g2}&state=${openCaseStates.join(',')}&limit=1`),
    );
    const other = await ca2.get(`/api/v1/home?unitId=${g2}`);
    expect(other.statusCode).toBe(404);
    expect(other.json<{ code: string }>().code).toBe('not_found');
  });

  it('counts residents needing attention and device health over the caller’s units only', async () => {
    const mine = await home(ca1);
    expect(mine.residents).toEqual({ total: 3, elderlyLivingAlone: 2, needsAssistance: 1, disability: 1 });
    expect(mine.residents!.elderlyLivingAlone).toBe(
      await total(ca1, '/api/v1/residents?flag=elderlyLivingAlone&limit=1'),
    );
    expect(mine.residents!.needsAssistance).toBe(
      await total(ca1, '/api/v1/residents?flag=needsAssistance&limit=1'),
    );
    expect(mine.devices).toEqual({ total: 1, active: 0, inactive: 0, never: 1, maintenance: 0 });
    expect(mine.devices!.never).toBe(await total(ca1, '/api/v1/devices?connectivity=never'));
    const other = await home(ca2);
    expect(other.residents!.total).toBe(0);
    expect(other.devices!.total).toBe(0);
  });

  it('gives targets and a daily trend to those who read metrics', async () => {
    const h = await home(commander, '?trendDays=90');
    expect(h.targets).toEqual({ responseOnTimeRate: 0.9, resolutionOnTimeRate: 0.85, satisfactionMean: 4.5 });
    expect(h.trend).toHaveLength(90);
    expect(h.trend!.at(-1)).toEqual({ date: '2026-05-24', reported: 1, resolved: 0 });
    expect(h.trend!.find((d) => d.date === '2026-05-10')).toEqual({
      date: '2026-05-10',
      reported: 4,
      resolved: 0,
    });
    expect((await commander.get('/api/v1/home?trendDays=7')).statusCode).toBe(400);
  });

  it('leaves out every section the caller holds no permission for', async () => {
    const r = await home(resident);
    expect([r.cases, r.residents, r.devices, r.targets, r.trend]).toEqual([null, null, null, null, null]);
    const a = await home(auditor);
    expect(a.cases).toBeNull();
    expect(a.residents).toBeNull();
  });
});
