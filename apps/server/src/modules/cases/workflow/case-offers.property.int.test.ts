import { caseActionNames, type CaseAction, type CaseOffer } from '@civitas/contracts/cases';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../platform/auth/actor.js';
import { AppError } from '../../../platform/errors/errors.js';
import {
  act,
  actorOf,
  attachPhoto,
  casesRepository,
  report,
  reportPothole,
} from '../../../test-support/case-fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../../test-support/test-app.js';
import type { CaseDetailRow } from '../cases.repository.js';
import { allowedActions } from './case-offers.js';

/**
 * The offers the server lists with a case (`allowedActions`, ADR 0046) and what it accepts are one
 * policy: for random people and random walks of a case through its states, an offer is listed
 * exactly when the action, sent with a body that is itself valid, is accepted. Transfer and merge
 * are left out: who may take them is the handler rule that assign and pause already exercise, and
 * their targets are checked when they are sent.
 */
let t: TestApp;
const people = ['gw1', 'gw2', 'ca1', 'ca2', 'street1', 'commander', 'police', 'resident'] as const;
type Who = (typeof people)[number];
const actors = {} as Record<Who, Actor>;
/** The person who handles cases held by each fixture unit (the one an assign names). */
const holderOf: Record<string, Who> = {
  G1: 'gw1',
  G2: 'gw2',
  C1: 'ca1',
  C2: 'ca2',
  S1: 'street1',
  D: 'commander',
};
const probed: readonly CaseOffer[] = [...caseActionNames, 'claim' as const].filter(
  (o) => o !== 'transfer' && o !== 'merge',
);

beforeAll(async () => {
  t = await createTestApp();
  for (const u of people) actors[u] = await actorOf(t, u);
});

function bodyFor(offer: CaseOffer, who: Who, c: CaseDetailRow): CaseAction | null {
  const version = c.version;
  switch (offer) {
    case 'claim':
      return { action: 'assign', version, assigneeId: actors[who].userId };
    case 'assign': {
      const holder = holderOf[c.resp_code];
      return holder ? { action: 'assign', version, assigneeId: actors[holder].userId } : null;
    }
    case 'accept':
    case 'start':
    case 'resume':
    case 'supervise':
      return { action: offer, version };
    case 'reject':
    case 'pause':
    case 'dispute':
    case 'escalate':
      return { action: offer, version, reason: 'property probe' };
    case 'resolve':
      return { action: 'resolve', version, note: 'fixed' };
    case 'confirm':
      return { action: 'confirm', version, satisfaction: 4 };
    case 'comment':
      return { action: 'comment', version, note: 'note', internal: who !== 'resident' };
    default:
      return null;
  }
}

const mainPath: readonly CaseOffer[] = ['accept', 'claim', 'start', 'resolve', 'confirm', 'dispute'];
type Step = { who: Who; offer: CaseOffer; guided: boolean; pick: number };
const mainWalk: Step[] = (
  [
    ['gw1', 'accept'],
    ['gw1', 'claim'],
    ['gw1', 'start'],
    ['gw1', 'resolve'],
    ['resident', 'dispute'],
    ['commander', 'claim'],
    ['gw1', 'claim'],
    ['gw1', 'start'],
    ['gw1', 'resolve'],
    ['resident', 'confirm'],
  ] as const
).map(([who, offer]) => ({ who, offer, guided: false, pick: 0 }));

const stepArb: fc.Arbitrary<Step> = fc.record({
  who: fc.constantFrom(...people),
  offer: fc.constantFrom(...probed),
  // Three steps in four take something offered, so walks reach deep states, not only refusals.
  guided: fc.integer({ min: 0, max: 3 }).map((n) => n > 0),
  pick: fc.nat(),
});

describe('what the server offers on a case', () => {
  it('is exactly what it accepts, for every person and state a walk reaches', async () => {
    const repo = casesRepository(t);
    const ctx = (who: Who) => ({ actor: actors[who], requestId: 'offers', ip: '127.0.0.1' });
    const seen = { accepted: new Set<string>(), refused: new Set<string>(), states: new Set<string>() };
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 14, size: 'max' }), async (steps) => {
        const c = await reportPothole(t, actors.resident, 'offers');
        // Pothole needs resolution evidence: with it attached, resolve is refused only by policy.
        await attachPhoto(t, c.id, null);
        for (const s of steps) {
          const before = (await repo.find(c.id))!;
          let who = s.who;
          let offer = s.offer;
          if (s.guided) {
            const pairs = people.flatMap((p) =>
              allowedActions(actors[p], before)
                .filter((o) => probed.includes(o) && o !== 'reject')
                .map((o) => [p, o] as const),
            );
            // The main path is likelier, so walks get to resolved and closed.
            const main = pairs.filter(([, o]) => mainPath.includes(o));
            const from = main.length > 0 && s.pick % 3 !== 0 ? main : pairs;
            const chosen = from[s.pick % Math.max(from.length, 1)];
            if (chosen) [who, offer] = chosen;
          }
          const body = bodyFor(offer, who, before);
          if (!body) continue;
          const offered = allowedActions(actors[who], before).includes(offer);
          let accepted = true;
          try {
            await t.services.caseActions.act(ctx(who), c.id, body);
          } catch (e) {
            if (!(e instanceof AppError)) throw e;
            accepted = false;
            expect([403, 404, 409], `${who} ${offer}: ${e.code}`).toContain(e.status);
          }
          const label = `${who} ${offer} in ${before.state} held by ${before.resp_code}`;
          expect(accepted, label).toBe(offered);
          (accepted ? seen.accepted : seen.refused).add(`${who}:${offer}`);
          const after = (await repo.find(c.id))!;
          if (!accepted) expect(after, label).toEqual(before);
          seen.states.add(after.state);
        }
      }),
      { numRuns: 20, examples: [[mainWalk]] },
    );
    // Both sides of the equivalence were exercised, deep states included.
    expect(seen.states.size, [...seen.states].join(', ')).toBeGreaterThanOrEqual(5);
    for (const pair of ['gw1:claim', 'resident:confirm'])
      expect([...seen.accepted, ...seen.refused], pair).toContain(pair);
    expect(seen.refused.size).toBeGreaterThan(5);
    expect(seen.accepted.size).toBeGreaterThan(5);
  });
});

describe('offers over HTTP', () => {
  let gw1: Client;
  let commander: Client;
  beforeAll(async () => {
    [gw1, commander] = await Promise.all([t.login('gw1'), t.login('commander')]);
  });

  it('never offer a claim on a task held by another unit, and the server refuses it with a code', async () => {
    const made = (await report(await t.login('resident'))).json<{ id: string; version: number }>();
    const listed = async (client: Client) =>
      (await client.get(`/api/v1/cases/${made.id}`)).json<{
        allowedActions: string[];
        claimable: boolean;
        version: number;
      }>();
    // In the grid: the grid worker may accept and claim; the commander above may accept, not claim.
    expect((await listed(gw1)).allowedActions).toEqual(expect.arrayContaining(['accept', 'comment']));
    let v = (await listed(gw1)).version;
    expect((await act(gw1, made.id, { action: 'accept', version: v })).statusCode).toBe(200);
    expect((await listed(gw1)).allowedActions).toContain('claim');
    const cmd = await listed(commander);
    expect(cmd.allowedActions).toContain('assign');
    expect(cmd.claimable).toBe(false);
    expect((await listed(gw1)).claimable).toBe(true);
    expect(cmd.allowedActions).not.toContain('claim');
    const page = (await commander.get('/api/v1/cases?limit=200')).json<{
      items: { allowedActions: string[]; responsible: { unit: { code: string } } }[];
    }>();
    const below = page.items.filter((i) => i.responsible.unit.code !== 'D');
    expect(below.length).toBeGreaterThan(0);
    // The commander claims only what the district itself holds.
    for (const item of below) expect(item.allowedActions).not.toContain('claim');
    const commanderId = actors.commander.userId;
    const claim = await act(commander, made.id, {
      action: 'assign',
      version: cmd.version,
      assigneeId: commanderId,
    });
    expect(claim.statusCode).toBe(403);
    expect(claim.json()).toMatchObject({ code: 'case_claim_not_holder', unitCode: 'G1' });
    expect((await listed(commander)).version).toBe(cmd.version);

    // Up to the community: the grid worker still reads it, is offered nothing, and is refused.
    v = (await listed(gw1)).version;
    expect(
      (await act(gw1, made.id, { action: 'escalate', version: v, reason: 'needs the community' })).statusCode,
    ).toBe(200);
    const held = await listed(gw1);
    expect(held.allowedActions).toEqual([]);
    const refused = await act(gw1, made.id, {
      action: 'assign',
      version: held.version,
      assigneeId: actors.gw1.userId,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'case_not_responsible', unitCode: 'C1', action: 'assign' });
    expect((await listed(gw1)).version).toBe(held.version);
  });
});
