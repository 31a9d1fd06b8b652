import type { CaseAction, CaseState } from '@civitas/contracts/cases';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../platform/auth/actor.js';
import { AppError } from '../../../platform/errors/errors.js';
import { actorOf, attachPhoto, casesRepository, reportPothole } from '../../../test-support/case-fixtures.js';
import { createTestApp, type TestApp } from '../../../test-support/test-app.js';
import { invariantViolations, nextState, workflow } from './case-workflow.js';

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

type Step = {
  who: (typeof people)[number];
  body: Record<string, unknown>;
  stale: boolean;
  /** Take an action the current state allows (picked by `pick`) instead of `body`. */
  guided: boolean;
  pick: number;
};

const bodies: Record<string, unknown>[] = [
  { action: 'accept' },
  { action: 'reject', reason: 'not a public matter' },
  ...['gw1', 'ca1', 'gw2'].map((u) => ({ action: 'assign', assigneeUser: u })),
  { action: 'start' },
  { action: 'pause', reason: 'which floor?' },
  { action: 'resume' },
  { action: 'resolve', note: 'fixed' },
  ...[1, 2, 3, 4, 5].map((n) => ({ action: 'confirm', satisfaction: n })),
  { action: 'dispute', reason: 'still broken' },
  { action: 'transfer', reason: 'environment team', toDepartment: 'environment' },
  { action: 'escalate', reason: 'needs coordination' },
  { action: 'supervise' },
  { action: 'merge' },
  { action: 'comment', note: 'note', internal: true },
  { action: 'comment', note: 'note', internal: false },
];
/**
 * Guided steps keep the case alive (they never reject, merge or hand it to a department) and
 * favour the main path, which appears three times.
 */
const mainPath = ['accept', 'assign', 'start', 'resolve', 'confirm', 'dispute', 'resume'];
const guidedBodies = bodies
  .filter((b) => !['reject', 'merge', 'transfer'].includes(b.action as string))
  .flatMap((b) => (mainPath.includes(b.action as string) ? [b, b, b] : [b]));

const step = (who: Step['who'], body: Record<string, unknown>): Step => ({
  who,
  body,
  stale: false,
  guided: false,
  pick: 0,
});
const mainWalk: Step[] = [
  step('gw1', { action: 'accept' }),
  step('gw1', { action: 'pause', reason: 'which floor?' }),
  step('resident', { action: 'resume' }),
  step('gw1', { action: 'assign', assigneeUser: 'gw1' }),
  step('gw1', { action: 'start' }),
  step('gw1', { action: 'resolve', note: 'fixed' }),
  step('resident', { action: 'dispute', reason: 'still broken' }),
  step('gw1', { action: 'assign', assigneeUser: 'gw1' }),
  step('gw1', { action: 'start' }),
  step('gw1', { action: 'resolve', note: 'fixed again' }),
  step('resident', { action: 'confirm', satisfaction: 4 }),
];

// Three steps in four take an action the state allows, and the people who may take the main path are
// likelier, so walks reach deep states (resolved, closed, reopened) and not only refusals.
const stepArb: fc.Arbitrary<Step> = fc.record({
  who: fc.oneof(
    { arbitrary: fc.constantFrom('gw1', 'resident'), weight: 3 },
    { arbitrary: fc.constantFrom('ca1', 'street1', 'gw2', 'ca2'), weight: 2 },
  ),
  stale: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  body: fc.constantFrom(...bodies),
  guided: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  pick: fc.nat(),
});

describe('the case workflow under random use', () => {
  it('never reaches an illegal state and never lets an outsider change anything', async () => {
    const svc = t.services;
    const repo = casesRepository(t);
    // The states the random walks reached: the property must have exercised the machine, not
    // only watched refusals.
    const reached = new Set<string>();
    const actions = new Set<string>();
    const ctx = (who: string) => ({ actor: actors[who]!, requestId: 'prop', ip: '127.0.0.1' });
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 20, size: 'max' }), async (steps) => {
        const make = (title: string) => reportPothole(t, actors.resident!, title);
        const c = await make('prop');
        const other = await make('prop-other');
        await attachPhoto(t, c.id, null);
        for (const s of steps) {
          const before = (await repo.find(c.id))!;
          const allowed = guidedBodies.filter(
            (g) =>
              nextState(
                { state: before.state as CaseState, pausedFrom: before.paused_from as CaseState | null },
                g.action as CaseAction['action'],
              ) !== null,
          );
          const guided = s.guided && allowed.length > 0 ? allowed[s.pick % allowed.length]! : null;
          const body = { ...(guided ?? s.body) };
          // A guided step is taken by someone entitled to it: the reporter, or the street officer
          // above the grid (who may handle its cases wherever in the street they are held).
          const who: Step['who'] = guided
            ? workflow[guided.action as CaseAction['action']].who === 'reporter'
              ? 'resident'
              : 'street1'
            : s.who;
          if (body.action === 'assign') body.assigneeId = actors[body.assigneeUser as string]!.userId;
          delete body.assigneeUser;
          if (body.action === 'merge') body.into = other.id;
          body.version = s.stale ? before.version - 1 : before.version;
          let ok = true;
          try {
            await svc.caseActions.act(ctx(who), c.id, body as CaseAction);
          } catch (e) {
            if (!(e instanceof AppError)) throw e;
            ok = false;
          }
          const after = (await repo.find(c.id))!;
          expect(invariantViolations(after), JSON.stringify({ s, state: after.state })).toEqual([]);
          // The metric facts kept on the row are what the timeline says (docs/metrics.md).
          expect(factsOf(after)).toEqual(factsFromTimeline(await repo.events(c.id, true)));
          if (outsiders.has(who) || s.stale)
            expect(ok, `${who} ${String(body.action)} should have been refused`).toBe(false);
          if (ok) actions.add(String(body.action));
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
      // One walk down the whole main path always runs, besides the random ones.
      { numRuns: 25, examples: [[mainWalk]] },
    );
    // The walks must have exercised the machine, resolutions and the reporter's answer included.
    expect(reached.size, [...reached].join(', ')).toBeGreaterThanOrEqual(6);
    for (const a of ['assign', 'resume', 'resolve']) expect([...actions], a).toContain(a);
  });
});
