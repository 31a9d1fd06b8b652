import { projectOffers } from '@civitas/contracts/case-workflow';
import { describe, expect, it } from 'vitest';

/** The web's projection of offers over queued work (contracts/case-workflow.ts, ADR 0046). */

const sorted = (s: ReadonlySet<string>) => [...s].sort();

describe('offers projected over work queued offline', () => {
  it('are the server offers themselves while nothing is queued', () => {
    const p = projectOffers({ state: 'accepted', pausedFrom: null }, ['comment'], []);
    expect(p).toEqual({ state: 'accepted', allowed: new Set(['comment']) });
  });

  it('follow a claim and start through to resolve for the worker at the holding unit', () => {
    const server = ['assign', 'claim', 'pause', 'transfer', 'escalate', 'merge', 'comment'] as const;
    const p = projectOffers({ state: 'accepted', pausedFrom: null }, server, ['assign', 'start']);
    expect(p.state).toBe('in_progress');
    expect(sorted(p.allowed)).toEqual(['comment', 'escalate', 'merge', 'pause', 'resolve', 'transfer']);
  });

  it('let whoever may take a new task accept, claim and start it in one go', () => {
    const server = ['accept', 'reject', 'pause', 'transfer', 'escalate', 'merge', 'comment'] as const;
    const c = { state: 'submitted', pausedFrom: null } as const;
    expect(projectOffers(c, server, ['accept']).allowed.has('claim')).toBe(false);
    const p = projectOffers(c, server, ['accept'], true);
    expect(p.allowed.has('claim')).toBe(true);
    expect(projectOffers(c, server, ['accept', 'assign', 'start'], true).allowed.has('resolve')).toBe(true);
  });

  it('never grant a claim or handling the server did not offer', () => {
    // A commander above the grid: may assign (dispatch), never claim, after any queued step.
    const p = projectOffers(
      { state: 'reopened', pausedFrom: null },
      ['assign', 'pause', 'comment'],
      ['pause'],
    );
    expect(p.state).toBe('pending_info');
    expect(p.allowed.has('claim')).toBe(false);
    const reader = projectOffers({ state: 'accepted', pausedFrom: null }, [], ['assign']);
    expect(reader.allowed.size).toBe(0);
  });

  it('resume to the state paused from, and keep an escalation withheld at the top withheld', () => {
    const p = projectOffers(
      { state: 'assigned', pausedFrom: null },
      ['start', 'pause', 'comment'],
      ['pause', 'resume'],
    );
    expect(p.state).toBe('assigned');
    expect(p.allowed.has('start')).toBe(true);
    expect(p.allowed.has('escalate')).toBe(false);
  });

  it('give a reporter the answer to a resolution and nothing of the handler', () => {
    const p = projectOffers(
      { state: 'resolved', pausedFrom: null },
      ['confirm', 'dispute', 'comment'],
      ['dispute'],
    );
    expect(p.state).toBe('reopened');
    expect(sorted(p.allowed)).toEqual(['comment']);
  });
});
