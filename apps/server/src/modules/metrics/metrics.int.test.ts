import type { CaseMetricFigures, CaseMetrics } from '@civitas/contracts/metrics';
import { beforeAll, describe, expect, it } from 'vitest';
import { act, at, caseRow, report, userId } from '../../test-support/case-fixtures.js';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { HOUR, ManualClock } from '../cases/case-clock.js';

/**
 * Cases are driven through the real case API with a manual clock, so every duration is known:
 * the expected figures below are worked out by hand from the steps (docs/metrics.md).
 */
let t: TestApp;
let clock: ManualClock;
let resident: Client;
let gw1: Client;
let gw2: Client;
let ca1: Client;
let ca2: Client;
let commander: Client;
const ids: Record<string, string> = {};
const period = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z';

type Step = [hoursLater: number, by: () => Client, body: Record<string, unknown>];

/** Reports a case now, then takes each step after moving the clock; returns the case id. */
async function lifecycle(
  category: string,
  point: [number, number],
  steps: Step[],
): Promise<{ id: string; version: number }> {
  const created = await report(resident, { category, location: { type: 'Point', coordinates: point } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ id: string }>().id;
  const startedAt = clock.now().getTime();
  let version = created.json<{ version: number }>().version;
  for (const [hours, by, body] of steps) {
    clock.set(new Date(startedAt + hours * HOUR));
    const r = await act(by(), id, { ...body, version });
    expect(r.statusCode, `${String(body.action)}: ${r.body}`).toBe(200);
    version = r.json<{ version: number }>().version;
  }
  return { id, version };
}

const metrics = async (client: Client, query: string) => {
  const r = await client.get(`/api/v1/metrics/cases?${query}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json<CaseMetrics>();
};

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
  t = await createTestApp({}, { clock });
  const users = ['resident', 'gw1', 'gw2', 'ca1', 'ca2', 'commander'] as const;
  [resident, gw1, gw2, ca1, ca2, commander] = (await Promise.all(users.map((u) => t.login(u)))) as [
    Client,
    Client,
    Client,
    Client,
    Client,
    Client,
  ];
  const gw1Id = await userId(t, 'gw1');
  const gw2Id = await userId(t, 'gw2');
  const next = () => clock.advance(2 * 24 * HOUR);
  const g1 = () => gw1;
  const g2 = () => gw2;
  const rep = () => resident;

  // A, noise (2 h to respond, 24 h to resolve): assigned after 1 h, resolved after 10 h, rated 5.
  ids.A = (
    await lifecycle('noise', at.G1, [
      [0.5, g1, { action: 'accept' }],
      [1, g1, { action: 'assign', assigneeId: gw1Id }],
      [2, g1, { action: 'start' }],
      [10, g1, { action: 'resolve', note: 'Spoke to the bar owner' }],
      [11, rep, { action: 'confirm', satisfaction: 5 }],
    ])
  ).id;
  next();
  // B, noise: 3 h waiting on the reporter before the assignment; 2 h net (on time, the window's
  // edge), resolved after 30 h, 27 h net (late), rated 3.
  ids.B = (
    await lifecycle('noise', at.G1, [
      [1, g1, { action: 'accept' }],
      [1.5, g1, { action: 'pause', reason: 'Which building?' }],
      [4.5, rep, { action: 'resume', note: 'Building 7' }],
      [5, g1, { action: 'assign', assigneeId: gw1Id }],
      [6, g1, { action: 'start' }],
      [30, g1, { action: 'resolve', note: 'Fixed' }],
      [31, rep, { action: 'confirm', satisfaction: 3 }],
    ])
  ).id;
  next();
  // C, noise in G2: assigned after 3 h (late), resolved at 20 h, disputed (rated 1), resolved again
  // at 40 h and confirmed with 4: reopened, 40 h to the resolution that stood (late).
  ids.C = (
    await lifecycle('noise', at.G2, [
      [3, g2, { action: 'accept' }],
      [3, g2, { action: 'assign', assigneeId: gw2Id }],
      [4, g2, { action: 'start' }],
      [20, g2, { action: 'resolve', note: 'Done' }],
      [21, rep, { action: 'dispute', reason: 'Still loud', satisfaction: 1 }],
      [22, g2, { action: 'assign', assigneeId: gw2Id }],
      [23, g2, { action: 'start' }],
      [40, g2, { action: 'resolve', note: 'Done for real' }],
      [41, rep, { action: 'confirm', satisfaction: 4 }],
    ])
  ).id;
  next();
  // D, neighbour dispute in G3 (community C2): rejected, in no time figure.
  ids.D = (
    await lifecycle('neighbour_dispute', at.G3, [
      [1, () => ca2, { action: 'reject', reason: 'Civil matter' }],
    ])
  ).id;
  next();
  // F, other (24 h / 168 h) in G2: assigned after 1 h, resolved after 2 h, not yet confirmed.
  ids.F = (
    await lifecycle('other', at.G2, [
      [0.5, g2, { action: 'accept' }],
      [1, g2, { action: 'assign', assigneeId: gw2Id }],
      [1.5, g2, { action: 'start' }],
      [2, g2, { action: 'resolve', note: 'Removed' }],
    ])
  ).id;
  next();
  // E, noise: never touched; H, noise: merged into E as a duplicate. Read 30 h after E came in,
  // E is late for both deadlines; H is in no deadline figure.
  const eAt = clock.now().getTime();
  ids.E = (await lifecycle('noise', at.G1, [])).id;
  const e = await caseRow(t, ids.E);
  ids.H = (await lifecycle('noise', at.G1, [[0.5, g1, { action: 'merge', into: e!.id }]])).id;
  clock.set(new Date(eAt + 30 * HOUR));
  // Thirty-odd requests and seven sign-ins (argon2id) on a shared machine: the time is not a figure here.
}, 300_000);

const expectSumsUp = (parent: CaseMetricFigures, groups: CaseMetrics['groups']) => {
  const sum = (pick: (f: CaseMetricFigures) => number) => groups.reduce((n, g) => n + pick(g.figures), 0);
  expect(sum((f) => f.cases.total)).toBe(parent.cases.total);
  expect(sum((f) => f.cases.open)).toBe(parent.cases.open);
  expect(sum((f) => f.responseTime.count)).toBe(parent.responseTime.count);
  expect(sum((f) => f.resolutionTime.count)).toBe(parent.resolutionTime.count);
  expect(sum((f) => f.onTime.response.onTime)).toBe(parent.onTime.response.onTime);
  expect(sum((f) => f.onTime.resolution.late)).toBe(parent.onTime.resolution.late);
  expect(sum((f) => f.reopen.reopened)).toBe(parent.reopen.reopened);
  expect(sum((f) => f.satisfaction.count)).toBe(parent.satisfaction.count);
};

describe('case metrics', () => {
  it('computes every figure of the district from the timeline', async () => {
    const m = await metrics(commander, `unitId=${t.units.get('D')!.id}&${period}`);
    expect(m.unit.code).toBe('D');
    expect(m.asOf).toBe(clock.now().toISOString());
    expect(m.total.cases).toEqual({ total: 7, open: 1, resolved: 1, closed: 3, rejected: 1, duplicate: 1 });
    // Response (net of the pause): A 1 h, B 2 h, C 3 h, F 1 h.
    expect(m.total.responseTime).toEqual({ count: 4, medianSeconds: 5400, p90Seconds: 9720 });
    // Resolution: F 2 h, A 10 h, B 27 h net, C 40 h.
    expect(m.total.resolutionTime).toEqual({ count: 4, medianSeconds: 66_600, p90Seconds: 129_960 });
    // Response on time: A, B, F; late: C and the untouched E. Resolution on time: A, F; late: B, C, E.
    expect(m.total.onTime.response).toEqual({ onTime: 3, late: 2, rate: 0.6 });
    expect(m.total.onTime.resolution).toEqual({ onTime: 2, late: 3, rate: 0.4 });
    expect(m.total.reopen).toEqual({ everResolved: 4, reopened: 1, rate: 0.25 });
    expect(m.total.satisfaction).toEqual({
      count: 3,
      mean: 4,
      distribution: { '1': 0, '2': 0, '3': 1, '4': 1, '5': 1 },
    });
    expect(m.groups).toEqual([]);
  });

  it('drills down district → street → community → grid, each child over its subtree', async () => {
    const d = await metrics(commander, `unitId=${t.units.get('D')!.id}&${period}&groupBy=unit`);
    expect(d.groups.map((g) => [g.unit?.code, g.figures.cases.total])).toEqual([
      ['S1', 7],
      ['T1', 0],
    ]);
    expectSumsUp(d.total, d.groups);

    const s = await metrics(commander, `unitId=${t.units.get('S1')!.id}&${period}&groupBy=unit`);
    expect(s.groups.map((g) => [g.unit?.code, g.figures.cases.total])).toEqual([
      ['C1', 6],
      ['C2', 1],
    ]);
    expectSumsUp(s.total, s.groups);
    expect(s.total).toEqual(d.groups[0]!.figures);

    const c = await metrics(commander, `unitId=${t.units.get('C1')!.id}&${period}&groupBy=unit`);
    const [g1, g2] = c.groups;
    expect([g1?.unit?.code, g2?.unit?.code]).toEqual(['G1', 'G2']);
    expectSumsUp(c.total, c.groups);
    // G1: A (1 h) and B (2 h) were assigned; E is late on both windows; H is a duplicate.
    expect(g1!.figures.cases).toEqual({
      total: 4,
      open: 1,
      resolved: 0,
      closed: 2,
      rejected: 0,
      duplicate: 1,
    });
    expect(g1!.figures.responseTime).toEqual({ count: 2, medianSeconds: 5400, p90Seconds: 6840 });
    expect(g1!.figures.onTime.response).toEqual({ onTime: 2, late: 1, rate: 2 / 3 });
    // G2: C (reopened, 40 h) and F (2 h).
    expect(g2!.figures.resolutionTime).toEqual({ count: 2, medianSeconds: 75_600, p90Seconds: 130_320 });
    expect(g2!.figures.reopen).toEqual({ everResolved: 2, reopened: 1, rate: 0.5 });
  });

  it('groups by top-level category and filters by category with its sub-categories', async () => {
    const m = await metrics(commander, `unitId=${t.units.get('D')!.id}&${period}&groupBy=category`);
    const byCode = new Map(m.groups.map((g) => [g.category?.code, g.figures.cases.total]));
    expect(byCode.get('noise')).toBe(5);
    expect(byCode.get('neighbour_dispute')).toBe(1);
    expect(byCode.get('other')).toBe(1);
    expect(byCode.get('road_facility')).toBe(0);
    expectSumsUp(m.total, m.groups);

    const noise = await metrics(commander, `unitId=${t.units.get('D')!.id}&${period}&category=noise`);
    expect(noise.category?.code).toBe('noise');
    expect(noise.total).toEqual(m.groups.find((g) => g.category?.code === 'noise')!.figures);
    const bad = await commander.get(`/api/v1/metrics/cases?${period}&category=no_such`);
    expect(bad.statusCode).toBe(400);
  });

  it('groups by month and limits the cohort to cases submitted in the period', async () => {
    const m = await metrics(commander, `${period}&groupBy=month`);
    expect(m.unit.code).toBe('D');
    expect(m.groups.map((g) => [g.month, g.figures.cases.total])).toEqual([['2026-03', 7]]);
    const later = await metrics(commander, 'from=2026-03-05T00:00:00Z&to=2026-04-01T00:00:00Z');
    // A (2 March) and B (4 March) came in before the period.
    expect(later.total.cases.total).toBe(5);
    const none = await metrics(commander, 'from=2026-05-01T00:00:00Z&to=2026-06-01T00:00:00Z');
    expect(none.total.cases.total).toBe(0);
    expect(none.total.responseTime).toEqual({ count: 0, medianSeconds: null, p90Seconds: null });
    expect(none.total.onTime.response.rate).toBeNull();
    const reversed = await commander.get(
      '/api/v1/metrics/cases?from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z',
    );
    expect(reversed.statusCode).toBe(400);
  });

  it('keeps each caller to the units of their grants', async () => {
    // A community admin sees their own community, by default and by id…
    const own = await metrics(ca1, period);
    expect(own.unit.code).toBe('C1');
    expect(own.total.cases.total).toBe(6);
    // …but neither the neighbouring community nor the street above (not shown to exist).
    for (const code of ['C2', 'S1', 'D']) {
      const r = await ca1.get(`/api/v1/metrics/cases?unitId=${t.units.get(code)!.id}&${period}`);
      expect(r.statusCode, code).toBe(404);
    }
    expect((await metrics(ca2, period)).total.cases.total).toBe(1);
    // A grid worker reads their grid; residents and auditors have no metrics permission.
    expect((await metrics(gw1, period)).unit.code).toBe('G1');
    const auditor = await t.login('auditor');
    expect((await auditor.get(`/api/v1/metrics/cases?${period}`)).statusCode).toBe(403);
    expect((await resident.get(`/api/v1/metrics/cases?${period}`)).statusCode).toBe(403);
  });

  it('asks for a unit when the caller holds metrics grants on several', async () => {
    await t.services.users.createUnchecked(
      { actor: null, requestId: 'test', ip: '127.0.0.1' },
      {
        username: 'twohats',
        displayName: 'twohats',
        kind: 'staff',
        password: FIXTURE_PASSWORD,
        grants: [
          { role: 'community_admin', orgUnitId: t.units.get('C1')!.id, department: null },
          { role: 'community_admin', orgUnitId: t.units.get('C2')!.id, department: null },
        ],
      },
    );
    const twohats = await t.login('twohats');
    const r = await twohats.get(`/api/v1/metrics/cases?${period}`);
    expect(r.statusCode).toBe(400);
    expect(r.json<{ code: string }>().code).toBe('unit_required');
    expect((await metrics(twohats, `unitId=${t.units.get('C2')!.id}&${period}`)).total.cases.total).toBe(1);
  });
});
