import { caseStates, type CaseActionName, type CaseState } from '@civitas/contracts/cases';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor, Grant } from '../../../platform/auth/actor.js';
import { permissionsOf } from '../../../platform/auth/actor.js';
import { handleGrant, readGrant, supervisorGrant, type CaseScope } from './case-policy.js';
import { nextState, terminalStates, workflow, type WorkflowCase } from './case-workflow.js';

const actions = Object.keys(workflow) as CaseActionName[];

/** Applies an action like the service does: pause remembers where it paused from. */
function step(c: WorkflowCase, action: CaseActionName): WorkflowCase | null {
  const to = nextState(c, action);
  if (to === null) return null;
  if (action === 'pause') return { state: to, pausedFrom: c.state };
  // Leaving pending_info by any action (resume, merge) ends the pause.
  return { state: to, pausedFrom: to === 'pending_info' ? c.pausedFrom : null };
}

describe('the case state machine', () => {
  it('never leaves the known states, whatever the sequence of actions', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...actions), { maxLength: 60 }), (seq) => {
        let c: WorkflowCase = { state: 'submitted', pausedFrom: null };
        const path: CaseState[] = [c.state];
        for (const a of seq) {
          const next = step(c, a);
          if (next === null) continue;
          expect(caseStates).toContain(next.state);
          // Only pending_info carries a paused-from state, and it is one that may pause.
          expect(next.pausedFrom !== null).toBe(next.state === 'pending_info');
          if (next.pausedFrom) expect(workflow.pause.from).toContain(next.pausedFrom);
          // Terminal states admit nothing but comments.
          if (terminalStates.includes(c.state)) expect(a).toBe('comment');
          // Closed only ever follows resolved; resolved only follows in_progress.
          if (next.state === 'closed' && c.state !== 'closed') expect(c.state).toBe('resolved');
          if (next.state === 'resolved' && c.state !== 'resolved') expect(c.state).toBe('in_progress');
          c = next;
          path.push(c.state);
        }
        // Work happens only after assignment: in_progress is always preceded by assigned.
        const i = path.indexOf('in_progress');
        if (i >= 0) expect(path.slice(0, i)).toContain('assigned');
      }),
      { numRuns: 2000 },
    );
  });

  it('resumes to the state it paused from', () => {
    fc.assert(
      fc.property(fc.constantFrom(...workflow.pause.from), (from) => {
        const paused = step({ state: from, pausedFrom: null }, 'pause')!;
        expect(step(paused, 'resume')).toEqual({ state: from, pausedFrom: null });
      }),
    );
  });

  it('reaches closed along the happy path', () => {
    let c: WorkflowCase = { state: 'submitted', pausedFrom: null };
    for (const a of ['accept', 'assign', 'start', 'resolve', 'confirm'] as const) c = step(c, a)!;
    expect(c.state).toBe('closed');
  });
});

const grant = (role: Grant['role'], path: string, department: string | null = null): Grant => ({
  role,
  orgUnitId: path.split('/').at(-2)!,
  orgUnitPath: path,
  orgUnitCode: path,
  orgUnitName: { 'zh-CN': path, en: path },
  department,
});
const actor = (...grants: Grant[]): Actor =>
  ({
    userId: 'u',
    username: 'u',
    displayName: 'u',
    kind: 'staff',
    locale: 'en',
    grants,
    permissions: permissionsOf(grants),
    via: 'session',
    sessionId: null,
    csrfToken: null,
    mfaEnabled: false,
  }) as unknown as Actor;
const atGrid = (over: Partial<CaseScope> = {}): CaseScope => ({
  unitPath: '/d/s/c/g1/',
  responsiblePath: '/d/s/c/g1/',
  responsibleDepartment: null,
  reporterId: null,
  ...over,
});

describe('case policy', () => {
  it('lets the holder act, the location read, and a higher level supervise', () => {
    const gw1 = actor(grant('grid_worker', '/d/s/c/g1/'));
    const gw2 = actor(grant('grid_worker', '/d/s/c/g2/'));
    const ca = actor(grant('community_admin', '/d/s/c/'));
    expect(handleGrant(gw1, atGrid())).toBeDefined();
    expect(readGrant(gw2, atGrid())).toBeUndefined();
    expect(handleGrant(gw2, atGrid())).toBeUndefined();
    // Escalated to the community: the grid worker reads but does not hold it any more.
    const up = atGrid({ responsiblePath: '/d/s/c/' });
    expect(readGrant(gw1, up)).toBeDefined();
    expect(handleGrant(gw1, up)).toBeUndefined();
    expect(handleGrant(ca, up)).toBeDefined();
    // Supervision needs a grant strictly above the holder.
    expect(supervisorGrant(ca, atGrid())).toBeDefined();
    expect(supervisorGrant(ca, up)).toBeUndefined();
    expect(supervisorGrant(gw1, atGrid())).toBeUndefined();
  });

  it('keeps department staff to their own department', () => {
    const police = actor(grant('department_staff', '/d/', 'police'));
    expect(readGrant(police, atGrid())).toBeUndefined();
    expect(
      readGrant(police, atGrid({ responsiblePath: '/d/', responsibleDepartment: 'environment' })),
    ).toBeUndefined();
    expect(
      handleGrant(police, atGrid({ responsiblePath: '/d/', responsibleDepartment: 'police' })),
    ).toBeDefined();
  });
});
