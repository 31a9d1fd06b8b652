import type { CaseAction, CaseState } from '@civitas/contracts/cases';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/errors/errors.js';
import { actorOf, at, attachPhoto } from '../../test-support/case-fixtures.js';
import { createTestApp, type TestApp } from '../../test-support/test-app.js';
import { invariantViolations, nextState } from './case-workflow.js';

/**
 * The real service, driven by random sequences of actions from random people: after every step
 * the case satisfies the invariants of its state; a refused action leaves the row exactly as it
 * was; an accepted one moves the state as the workflow table says and the version by one; and
 * people with no business on the case (a grid worker and a community admin elsewhere) never
 * change anything.
 */
let t: TestApp;
const actors: Record<string, Actor> = {};
const outsiders = new Set(['gw2', 'ca2']);
const people = ['gw1', 'ca1', 'street1', 'resident', 'gw2', 'ca2'] as const;

beforeAll(async () => {
  t = await createTestApp();
  for (const u of people) actors[u] = await actorOf(t, u);
});

type Facts = {
  paused_ms: number;
  response_paused_ms: number | null;
  resolve_count: number;
  reopen_count: number;
};
const factsOf = (c: Facts): Facts => ({
  paused_ms: c.paused_ms,
  response_paused_ms: c.response_paused_ms,
  resolve_count: c.resolve_count,
  reopen_count: c.reopen_count,
});
/** The facts recomputed from the events alone, in timeline order. */
function factsFromTimeline(events: { action: string; data: unknown }[]): Facts {
  const f: Facts = { paused_ms: 0, response_paused_ms: null, resolve_count: 0, reopen_count: 0 };
  for (const e of events) {
    if (e.action === 'resume') f.paused_ms += (e.data as { pausedMs: number }).pausedMs;
    if (e.action === 'assign' && f.response_paused_ms === null) f.response_paused_ms = f.paused_ms;
    if (e.action === 'resolve') f.resolve_count++;
    if (e.action === 'dispute') f.reopen_count++;
  }
  return f;
}

type Step = { who: (typeof people)[number]; body: Record<string, unknown>; stale: boolean };

const stepArb: fc.Arbitrary<Step> = fc.record({
  who: fc.constantFrom(...people),
  stale: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  body: fc.oneof(
    fc.constant({ action: 'accept' }),
    fc.constant({ action: 'reject', reason: 'not a public matter' }),
    fc.constantFrom('gw1', 'ca1', 'gw2').map((u) => ({ action: 'assign', assigneeUser: u })),
    fc.constant({ action: 'start' }),
    fc.constant({ action: 'pause', reason: 'which floor?' }),
    fc.constant({ action: 'resume' }),
    fc.constant({ action: 'resolve', note: 'fixed' }),
    fc.integer({ min: 1, max: 5 }).map((s) => ({ action: 'confirm', satisfaction: s })),
    fc.constant({ action: 'dispute', reason: 'still broken' }),
    fc.constant({ action: 'transfer', reason: 'environment team', toDepartment: 'environment' }),
    fc.constant({ action: 'escalate', reason: 'needs coordination' }),
    fc.constant({ action: 'supervise' }),
    fc.constant({ action: 'merge' }),
    fc.boolean().map((internal) => ({ action: 'comment', note: 'note', internal })),
  ),
});

describe('the case workflow under random use', () => {
  it('never reaches an illegal state and never lets an outsider change anything', async () => {
    const svc = t.services;
    // The states the random walks reached: the property must have exercised the machine, not
    // only watched refusals.
    const reached = new Set<string>();
    const ctx = (who: string) => ({ actor: actors[who]!, requestId: 'prop', ip: '127.0.0.1' });
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14 }), async (steps) => {
        const make = (title: string) =>
          svc.cases.intake(
            ctx('resident'),
            {
              channel: 'resident_report',
              category: 'road_facility.pothole',
              title,
              description: '',
              lat: at.G1[1],
              lng: at.G1[0],
              address: null,
              attributes: {},
              sourceRef: null,
              reporterId: actors.resident!.userId,
            },
            null,
          );
        const c = await make('prop');
        const other = await make('prop-other');
        await attachPhoto(t, c.id, null);
        for (const s of steps) {
          const before = (await svc.casesRepo.find(c.id))!;
          const body = { ...s.body } as Record<string, unknown>;
          if (body.action === 'assign') body.assigneeId = actors[body.assigneeUser as string]!.userId;
          delete body.assigneeUser;
          if (body.action === 'merge') body.into = other.id;
          body.version = s.stale ? before.version - 1 : before.version;
          let ok = true;
          try {
            await svc.caseActions.act(ctx(s.who), c.id, body as CaseAction);
          } catch (e) {
            if (!(e instanceof AppError)) throw e;
            ok = false;
          }
          const after = (await svc.casesRepo.find(c.id))!;
          expect(invariantViolations(after), JSON.stringify({ s, state: after.state })).toEqual([]);
          // The metric facts kept on the row are what the timeline says (docs/metrics.md).
          expect(factsOf(after)).toEqual(factsFromTimeline(await svc.casesRepo.events(c.id, true)));
          if (outsiders.has(s.who) || s.stale)
            expect(ok, `${s.who} ${String(body.action)} should have been refused`).toBe(false);
          if (!ok) {
            expect(after).toEqual(before);
          } else {
            expect(after.version).toBe(before.version + 1);
            reached.add(after.state);
            expect(after.state).toBe(
              nextState(
                { state: before.state as CaseState, pausedFrom: before.paused_from as CaseState | null },
                body.action as CaseAction['action'],
              ),
            );
          }
        }
      }),
      { numRuns: 25 },
    );
    expect(reached.size, [...reached].join(', ')).toBeGreaterThanOrEqual(4);
  });
});
