import { beforeAll, describe, expect, it } from 'vitest';
import {
  act,
  at,
  attachPhoto,
  caseRow,
  casesRepository,
  report,
  userId,
} from '../../test-support/case-fixtures.js';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';
import { HOUR, ManualClock } from './case-clock.js';

let t: TestApp;
let clock: ManualClock;
let resident: Client;
let resident2: Client;
let gw1: Client;
let ca1: Client;
let street1: Client;
let commander: Client;
let police: Client;

beforeAll(async () => {
  clock = new ManualClock(new Date('2026-03-02T01:00:00Z'));
  t = await createTestApp({}, { clock });
  await t.services.users.createUnchecked(
    { actor: null, requestId: 'test', ip: '127.0.0.1' },
    {
      username: 'resident2',
      displayName: 'resident2',
      kind: 'resident',
      password: FIXTURE_PASSWORD,
      grants: [{ role: 'resident', orgUnitId: t.units.get('G2')!.id, department: null }],
    },
  );
  [resident, resident2, gw1, ca1, street1, commander, police] = (await Promise.all(
    ['resident', 'resident2', 'gw1', 'ca1', 'street1', 'commander', 'police'].map((u) => t.login(u)),
  )) as [Client, Client, Client, Client, Client, Client, Client];
});

const notificationsOf = async (c: Client) =>
  (await c.get('/api/v1/notifications?limit=200')).json<{
    items: { kind: string; caseId: string; title: { en: string } }[];
    unread: number;
  }>();

describe('the happy path', () => {
  it('goes from a resident report to the grid worker, to resolution, and closes on the rating', async () => {
    const created = await report(resident);
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    expect(c.view).toBe('public');
    expect(c.state).toBe('submitted');
    expect(c.channel).toBe('resident_report');
    expect(c.responsibleUnit.code).toBe('G1');
    expect(c).not.toHaveProperty('assignee');

    // Routed to the grid worker of G1, who is told and sees it in the inbox.
    const inbox = (await gw1.get('/api/v1/cases?state=submitted')).json();
    expect(inbox.items.map((i: { id: string }) => i.id)).toContain(c.id);
    expect(
      (await notificationsOf(gw1)).items.some((n) => n.kind === 'case.routed' && n.caseId === c.id),
    ).toBe(true);
    const staffView = (await gw1.get(`/api/v1/cases/${c.id}`)).json();
    expect(staffView.view).toBe('staff');
    expect(staffView.responsible).toMatchObject({ role: 'grid_worker', department: null });
    expect(staffView.responsible.unit.code).toBe('G1');

    const gw1Id = await userId(t, 'gw1');
    let v = c.version;
    for (const body of [
      { action: 'accept', note: 'On my way' },
      { action: 'assign', assigneeId: gw1Id },
      { action: 'start' },
    ]) {
      const r = await act(gw1, c.id, { ...body, version: v });
      expect(r.statusCode, r.body).toBe(200);
      v = r.json().version;
    }
    expect((await notificationsOf(gw1)).items.some((n) => n.kind === 'case.assigned')).toBe(true);

    // The category needs photo evidence: refused without, accepted with.
    const noPhoto = await act(gw1, c.id, { action: 'resolve', version: v, note: 'Filled with asphalt' });
    expect(noPhoto.statusCode).toBe(400);
    expect(noPhoto.json().code).toBe('photo_required');
    expect((await caseRow(t, c.id))!.version).toBe(v);
    await attachPhoto(t, c.id, gw1Id);
    const resolved = await act(gw1, c.id, { action: 'resolve', version: v, note: 'Filled with asphalt' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json().state).toBe('resolved');

    // Only the reporter confirms.
    const byWorker = await act(gw1, c.id, {
      action: 'confirm',
      version: resolved.json().version,
      satisfaction: 5,
    });
    expect(byWorker.statusCode).toBe(403);
    const closed = await act(resident, c.id, {
      action: 'confirm',
      version: resolved.json().version,
      satisfaction: 5,
      comment: 'Thank you!',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ state: 'closed', satisfaction: 5, view: 'public' });

    // The reporter heard of every state change.
    const states = (await notificationsOf(resident)).items.filter(
      (n) => n.caseId === c.id && n.kind === 'case.state',
    );
    expect(states.length).toBe(6); // submitted, accepted, assigned, in progress, resolved, closed

    // Timeline: staff see who; the resident sees roles, not names, and no internal events.
    const staffTimeline = (await gw1.get(`/api/v1/cases/${c.id}/timeline`)).json().items;
    expect(staffTimeline.map((e: { action: string }) => e.action)).toEqual([
      'create',
      'route',
      'accept',
      'assign',
      'start',
      'resolve',
      'confirm',
    ]);
    expect(staffTimeline[2]).toMatchObject({
      fromState: 'submitted',
      toState: 'accepted',
      actor: { name: 'gw1', role: 'grid_worker' },
    });
    const publicTimeline = (await resident.get(`/api/v1/cases/${c.id}/timeline`)).json().items;
    expect(publicTimeline.some((e: { action: string }) => e.action === 'route')).toBe(false);
    const accept = publicTimeline.find((e: { action: string }) => e.action === 'accept');
    expect(accept.actor).toEqual({ id: null, name: null, role: 'grid_worker' });
    expect(JSON.stringify(publicTimeline)).not.toContain(gw1Id);

    // Every write left an audit row (reads leave their own, case-read-audit.int.test.ts).
    const audit = await t.services.database.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', c.id)
      .where('action', 'not like', '%.read')
      .orderBy('seq')
      .execute();
    // Intake is one audit entry (create, with the routing in its detail): each append locks the chain head.
    expect(audit.map((a) => a.action)).toEqual([
      'case.create',
      'case.accept',
      'case.assign',
      'case.start',
      'case.resolve',
      'case.confirm',
    ]);
  });

  it('lets staff enter a hotline call and a resident see only their own cases', async () => {
    const hot = await report(ca1, { channel: 'hotline', category: 'noise', title: 'Karaoke at 2 am' });
    expect(hot.statusCode, hot.body).toBe(201);
    expect(hot.json()).toMatchObject({ view: 'staff', channel: 'hotline', reporter: null });
    const mine = (await resident.get('/api/v1/cases?limit=200')).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((i: { view: string }) => i.view === 'public')).toBe(true);
    expect(mine.items.map((i: { id: string }) => i.id)).not.toContain(hot.json().id);
    expect((await resident.get(`/api/v1/cases/${hot.json().id}`)).statusCode).toBe(404);
    // Residents cannot pretend to be the hotline, staff cannot pretend to be residents.
    expect((await report(resident, { channel: 'hotline' })).json().code).toBe('channel_not_allowed');
    expect((await report(gw1, { channel: 'resident_report' })).json().code).toBe('channel_not_allowed');
  });
});

describe('deadlines', () => {
  it('remind before, then escalate by themselves grid → community → street as the clock passes', async () => {
    const c = (await report(resident, { title: 'Broken kerb' })).json();
    // Pothole: 8 h to respond; the reminder comes with 20 % of the window left.
    clock.advance(7 * HOUR);
    expect((await t.services.caseDeadlines.run()).reminded).toBeGreaterThanOrEqual(1);
    expect(
      (await notificationsOf(gw1)).items.some((n) => n.kind === 'case.reminder' && n.caseId === c.id),
    ).toBe(true);
    expect((await caseRow(t, c.id))!.resp_code).toBe('G1');

    clock.advance(2 * HOUR);
    await t.services.caseDeadlines.run();
    let row = (await caseRow(t, c.id))!;
    expect(row).toMatchObject({ resp_code: 'C1', responsible_role: 'community_admin', escalation_level: 1 });
    expect(
      (await notificationsOf(ca1)).items.some((n) => n.kind === 'case.escalated' && n.caseId === c.id),
    ).toBe(true);
    // The community now holds it: the grid worker can still read but no longer act.
    const late = await act(gw1, c.id, { action: 'accept', version: row.version });
    expect(late.statusCode).toBe(403);
    expect(late.json().detail).toMatch(/held by C1/);

    clock.advance(9 * HOUR);
    await t.services.caseDeadlines.run();
    row = (await caseRow(t, c.id))!;
    expect(row).toMatchObject({ resp_code: 'S1', responsible_role: 'street_officer', escalation_level: 2 });
    expect((await notificationsOf(street1)).items.some((n) => n.kind === 'case.escalated')).toBe(true);
    const timeline = (await street1.get(`/api/v1/cases/${c.id}/timeline`)).json().items;
    const escalations = timeline.filter((e: { action: string }) => e.action === 'escalate');
    expect(escalations).toHaveLength(2);
    expect(escalations[0].data).toMatchObject({ automatic: true, missedDeadline: 'response' });
    expect((await resident.get(`/api/v1/cases/${c.id}`)).json().responsibleUnit.code).toBe('S1');
    // Running again at the same moment changes nothing.
    const v = row.version;
    await t.services.caseDeadlines.run();
    expect((await caseRow(t, c.id))!.version).toBe(v);
  });

  it('pause while waiting on the reporter and shift by the pause on resume', async () => {
    const c = (await report(resident, { title: 'Loose paving' })).json();
    const before = (await caseRow(t, c.id))!;
    const paused = await act(gw1, c.id, {
      action: 'pause',
      version: c.version,
      reason: 'Which building exactly?',
    });
    expect(paused.json().state).toBe('pending_info');
    clock.advance(30 * HOUR);
    await t.services.caseDeadlines.run();
    expect((await caseRow(t, c.id))!.resp_code).toBe('G1'); // not escalated while paused
    const resumed = await act(resident, c.id, {
      action: 'resume',
      version: paused.json().version,
      note: 'No. 3',
    });
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json().state).toBe('submitted');
    const after = (await caseRow(t, c.id))!;
    expect(after.response_due_at.getTime() - before.response_due_at.getTime()).toBe(30 * HOUR);
    expect(after.resolution_due_at.getTime() - before.resolution_due_at.getTime()).toBe(30 * HOUR);
  });
});

describe('supervision, transfer and manual escalation', () => {
  it('shows supervision all the way down and only lets a higher level flag it', async () => {
    const c = (await report(resident, { category: 'noise', title: 'Construction at night' })).json();
    expect((await act(gw1, c.id, { action: 'supervise', version: c.version })).statusCode).toBe(403);
    const s = await act(street1, c.id, { action: 'supervise', version: c.version, note: 'Third complaint' });
    expect(s.statusCode, s.body).toBe(200);
    const seen = (await gw1.get(`/api/v1/cases/${c.id}`)).json();
    expect(seen.supervised).toBe(true);
    expect(seen.supervision.byUnit.code).toBe('S1');
    expect((await resident.get(`/api/v1/cases/${c.id}`)).json().supervised).toBe(true);
    expect(
      (await gw1.get('/api/v1/cases?supervised=true')).json().items.map((i: { id: string }) => i.id),
    ).toContain(c.id);
    expect(
      (await notificationsOf(gw1)).items.some((n) => n.kind === 'case.supervised' && n.caseId === c.id),
    ).toBe(true);
  });

  it('transfers to the category department with a reason, and escalates by hand', async () => {
    const c = (await report(resident, { category: 'noise', title: 'Bar music' })).json();
    const moved = await act(gw1, c.id, {
      action: 'transfer',
      version: c.version,
      reason: 'Needs an environment inspector',
      toUnitId: t.units.get('D')!.id,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const row = (await caseRow(t, c.id))!;
    expect(row).toMatchObject({
      resp_code: 'D',
      responsible_department: 'environment',
      responsible_role: 'department_staff',
    });
    // Police staff are department staff too, but of another department.
    expect((await police.get(`/api/v1/cases/${c.id}`)).statusCode).toBe(404);
    expect((await act(gw1, c.id, { action: 'accept', version: row.version })).statusCode).toBe(403);

    const d = (await report(resident, { category: 'neighbour_dispute', title: 'Shared wall' })).json();
    const up = await act(gw1, d.id, {
      action: 'escalate',
      version: d.version,
      reason: 'Needs the community',
    });
    expect(up.statusCode, up.body).toBe(200);
    expect((await caseRow(t, d.id))!.resp_code).toBe('C1');
    const top = await act(commander, c.id, { action: 'escalate', version: row.version, reason: 'x' });
    expect(top.json().code).toBe('already_at_top');
  });
});

describe('duplicates', () => {
  it('are found near the point within the category radius and merged, both reporters following', async () => {
    const a = (await report(resident, { category: 'sanitation.overflowing_bin', title: 'Bin full' })).json();
    const b = (
      await report(resident2, {
        category: 'sanitation.overflowing_bin',
        title: 'Rubbish everywhere',
        location: { type: 'Point', coordinates: [at.G1[0] + 0.0002, at.G1[1]] },
      })
    ).json();
    const far = (
      await report(resident, {
        category: 'sanitation.overflowing_bin',
        title: 'Other bin',
        location: { type: 'Point', coordinates: [at.G1[0] + 0.005, at.G1[1]] },
      })
    ).json();
    const near = await gw1.get(
      `/api/v1/cases/nearby?category=sanitation.overflowing_bin&lat=${at.G1[1]}&lng=${at.G1[0]}`,
    );
    expect(near.statusCode, near.body).toBe(200);
    const ids = near.json().items.map((i: { id: string }) => i.id);
    expect(ids).toContain(a.id);
    expect(ids).toContain(b.id);
    expect(ids).not.toContain(far.id);
    expect(near.json().items[0].id).toBe(a.id);

    const merged = await act(gw1, b.id, { action: 'merge', version: b.version, into: a.id });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({ state: 'duplicate', duplicateOf: a.id });
    // resident2 now follows the surviving case and sees it; both were told.
    expect((await resident2.get(`/api/v1/cases/${a.id}`)).statusCode).toBe(200);
    for (const who of [resident, resident2])
      expect(
        (await notificationsOf(who)).items.some((n) => n.kind === 'case.merged' && n.caseId === a.id),
      ).toBe(true);
    // Later news of the survivor reaches the second reporter too.
    const accepted = await act(gw1, a.id, { action: 'accept', version: (await caseRow(t, a.id))!.version });
    expect(accepted.statusCode).toBe(200);
    expect(
      (await notificationsOf(resident2)).items.filter((n) => n.caseId === a.id && n.kind === 'case.state')
        .length,
    ).toBeGreaterThan(0);
    expect(
      (await act(gw1, a.id, { action: 'merge', version: accepted.json().version, into: a.id })).json().code,
    ).toBe('merge_into_self');
  });
});

describe('bad input changes nothing', () => {
  it('names the problem precisely', async () => {
    const count = async () =>
      (await t.services.database.db.selectFrom('audit_log').select('seq').execute()).length;
    const before = await count();
    const badCategory = await report(resident, { category: 'unicorns' });
    expect(badCategory.statusCode).toBe(400);
    expect(badCategory.json().detail).toMatch(/category: there is no active case category "unicorns"/);
    const outside = await report(resident, { location: { type: 'Point', coordinates: at.outside } });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().code).toBe('location_outside_units');
    expect(outside.json().detail).toMatch(/outside every org unit/);
    expect((await report(resident, { title: '' })).json().errors[0].path).toBe('body.title');
    expect((await report(resident, { attributes: { deviceId: 'fake' } })).json()).toMatchObject({
      code: 'unknown_attribute',
      detail: 'attributes.deviceId: the category has no such attribute',
    });
    expect(await count()).toBe(before);

    const c = (await report(resident)).json();
    const illegal = await act(gw1, c.id, { action: 'resolve', version: c.version, note: 'done' });
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json()).toMatchObject({ code: 'illegal_transition', state: 'submitted' });
    expect(illegal.json().detail).toBe('resolve: not allowed while the case is submitted');
    const gw2 = await t.login('gw2');
    expect((await act(gw2, c.id, { action: 'accept', version: c.version })).statusCode).toBe(404);
    const badAssignee = await act(gw1, c.id, { action: 'accept', version: c.version });
    const wrong = await act(gw1, c.id, {
      action: 'assign',
      version: badAssignee.json().version,
      assigneeId: await userId(t, 'gw2'),
    });
    expect(wrong.json().code).toBe('assignee_not_responsible');
    const row = (await caseRow(t, c.id))!;
    expect(row).toMatchObject({ state: 'accepted', version: badAssignee.json().version, assignee_id: null });
    expect((await resident.get(`/api/v1/cases/${c.id}/timeline`)).json().items).toHaveLength(2);
  });
});

describe('concurrency', () => {
  it('lets one of two simultaneous actors win; the other gets 409 with the current case', async () => {
    const c = (await report(resident, { title: 'Sinkhole' })).json();
    const [r1, r2] = await Promise.all([
      act(gw1, c.id, { action: 'accept', version: c.version, note: 'mine' }),
      act(ca1, c.id, { action: 'reject', version: c.version, reason: 'not ours' }),
    ]);
    const codes = [r1.statusCode, r2.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const loser = r1.statusCode === 409 ? r1 : r2;
    const winner = r1.statusCode === 200 ? r1 : r2;
    expect(loser.json().code).toBe('stale_version');
    expect(loser.json().current.state).toBe(winner.json().state);
    expect(loser.json().current.version).toBe(c.version + 1);
    const timeline = (await gw1.get(`/api/v1/cases/${c.id}/timeline`)).json().items;
    expect(timeline.filter((e: { action: string }) => ['accept', 'reject'].includes(e.action))).toHaveLength(
      1,
    );
  });
});

describe('other channels', () => {
  it('turns a sensor alarm into a case once, however often it is delivered', async () => {
    const alarm = {
      alarmId: 'alarm-42',
      category: 'water_drainage.waterlogging',
      title: 'Water level 35 cm at underpass',
      lat: at.G2[1],
      lng: at.G2[0],
      deviceId: 'WL-UNDERPASS-1',
      raisedAt: new Date().toISOString(),
    };
    const first = await t.services.cases.createFromAlarm(alarm);
    const again = await t.services.cases.createFromAlarm(alarm);
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({
      channel: 'sensor_alarm',
      resp_code: 'G2',
      reporter_id: null,
      attributes: { deviceId: 'WL-UNDERPASS-1' },
    });
  });
});

describe('the timeline', () => {
  it('keeps internal notes from the resident and shows public ones without the staff name', async () => {
    const c = (await report(resident, { category: 'noise', title: 'Dog barking' })).json();
    const internal = await act(gw1, c.id, {
      action: 'comment',
      version: c.version,
      note: 'Owner is 陈, flat 402',
    });
    expect(internal.statusCode, internal.body).toBe(200);
    const pub = await act(gw1, c.id, {
      action: 'comment',
      version: internal.json().version,
      note: 'We will visit tomorrow',
      internal: false,
    });
    expect(pub.statusCode).toBe(200);
    // A resident's comment is public whatever they ask for.
    const own = await act(resident, c.id, {
      action: 'comment',
      version: pub.json().version,
      note: 'Thanks',
      internal: true,
    });
    expect(own.statusCode).toBe(200);
    const residentView = (await resident.get(`/api/v1/cases/${c.id}/timeline`)).json().items;
    const notes = residentView.map((e: { note: string | null }) => e.note);
    expect(notes).toContain('We will visit tomorrow');
    expect(notes).toContain('Thanks');
    // Ids and timestamps may contain any digits: look for the note's words, not its number.
    expect(JSON.stringify(residentView)).not.toContain('Owner is');
    expect(JSON.stringify(residentView)).not.toContain('陈');
    expect(JSON.stringify(residentView)).not.toContain('gw1');
    const staffView = (await gw1.get(`/api/v1/cases/${c.id}/timeline`)).json().items;
    expect(staffView.find((e: { note: string | null }) => e.note?.includes('402'))).toMatchObject({
      internal: true,
      actor: { name: 'gw1' },
    });
  });
});

describe('sensor alarms on the bus', () => {
  it('become cases without the publisher knowing the case center', async () => {
    await t.services.bus.enqueue('alarm.raised', {
      alarmId: 'alarm-bus-1',
      category: 'safety_hazard',
      title: 'Smoke detected in bike shed',
      lat: at.G1[1],
      lng: at.G1[0],
      raisedAt: new Date().toISOString(),
    });
    let found;
    for (let i = 0; i < 500 && !found; i++) {
      found = await casesRepository(t).findBySource('sensor_alarm', 'alarm', 'alarm-bus-1');
      if (!found) await new Promise((r) => setImmediate(r));
    }
    expect(found).toMatchObject({ channel: 'sensor_alarm', state: 'submitted', resp_code: 'G1' });
  });
});

describe('notifications', () => {
  it('are the reader’s own and can be marked read', async () => {
    const list = await notificationsOf(resident);
    expect(list.unread).toBeGreaterThan(0);
    const first = (await resident.get('/api/v1/notifications?limit=1')).json().items[0];
    expect((await gw1.post(`/api/v1/notifications/${first.id}/read`)).statusCode).toBe(404);
    expect((await resident.post(`/api/v1/notifications/${first.id}/read`)).statusCode).toBe(204);
    expect((await notificationsOf(resident)).unread).toBe(list.unread - 1);
    await resident.post('/api/v1/notifications/read-all');
    expect((await notificationsOf(resident)).unread).toBe(0);
  });
});

describe('the inbox', () => {
  it('filters by category subtree and overdue; a case held at the top stays overdue there', async () => {
    const c = (await report(resident, { category: 'noise', title: 'Drums next door' })).json();
    const moved = await act(gw1, c.id, {
      action: 'transfer',
      version: c.version,
      reason: 'inspector needed',
      toUnitId: t.units.get('D')!.id,
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const envStaff = await t.services.users.createUnchecked(
      { actor: null, requestId: 'test', ip: '127.0.0.1' },
      {
        username: 'env1',
        displayName: 'env1',
        kind: 'staff',
        password: FIXTURE_PASSWORD,
        grants: [{ role: 'department_staff', orgUnitId: t.units.get('D')!.id, department: 'environment' }],
      },
    );
    expect(envStaff).toMatch(/^[0-9a-f-]{36}$/);
    const env1 = await t.login('env1');
    const overdueIds = async () =>
      (await env1.get('/api/v1/cases?overdue=true&limit=200')).json().items.map((i: { id: string }) => i.id);
    expect(await overdueIds()).not.toContain(c.id);
    clock.advance(3 * HOUR); // noise: 2 hours to respond
    await t.services.caseDeadlines.run();
    const row = (await caseRow(t, c.id))!;
    expect(row).toMatchObject({ resp_code: 'D', escalation_level: 0, version: moved.json().version });
    expect(await overdueIds()).toContain(c.id);
    expect((await env1.get(`/api/v1/cases/${c.id}`)).json().overdue).toBe(true);

    const road = (await gw1.get('/api/v1/cases?category=road_facility&limit=200')).json().items;
    expect(road.length).toBeGreaterThan(0);
    expect(
      road.every((i: { category: { code: string } }) => i.category.code.startsWith('road_facility')),
    ).toBe(true);
    expect((await gw1.get('/api/v1/cases?state=bogus')).statusCode).toBe(400);
  });
});

describe('the API description', () => {
  it('lists every case center route with its schemas', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    }>();
    for (const [path, methods] of Object.entries({
      '/api/v1/cases': ['get', 'post'],
      '/api/v1/cases/nearby': ['get'],
      '/api/v1/cases/{id}': ['get'],
      '/api/v1/cases/{id}/timeline': ['get'],
      '/api/v1/cases/{id}/actions': ['post'],
      '/api/v1/case-categories': ['get', 'post'],
      '/api/v1/case-categories/{id}': ['patch'],
      '/api/v1/routing-rules': ['get', 'post'],
      '/api/v1/routing-rules/{id}': ['patch', 'delete'],
      '/api/v1/notifications': ['get'],
      '/api/v1/notifications/{id}/read': ['post'],
      '/api/v1/notifications/read-all': ['post'],
    }))
      for (const m of methods) expect(spec.paths[path]?.[m], `${m} ${path}`).toBeDefined();
    const actions = JSON.stringify(spec.paths['/api/v1/cases/{id}/actions']!.post!.requestBody);
    for (const a of ['accept', 'escalate', 'supervise', 'merge']) expect(actions).toContain(`"${a}"`);
  });
});
