import type { CaseActionName, CaseOffer, CaseState } from './cases.js';

/**
 * The case state machine's shape, shared by server and web (docs/adr/0010, 0046): which states each
 * action may start from and who may take it. The server adds where each action leads
 * (apps/server/src/modules/cases/workflow/case-workflow.ts) and decides, per caller and case, the
 * `allowedActions` it returns; the web uses this table only to project those offers over work
 * queued offline.
 */
export type CaseActorKind = 'handler' | 'reporter' | 'supervisor' | 'handler_or_reporter';

export const workingStates: readonly CaseState[] = [
  'submitted',
  'accepted',
  'assigned',
  'in_progress',
  'reopened',
];

export const caseActionRules: Record<CaseActionName, { from: readonly CaseState[]; who: CaseActorKind }> = {
  accept: { from: ['submitted'], who: 'handler' },
  reject: { from: ['submitted'], who: 'handler' },
  assign: { from: ['accepted', 'assigned', 'reopened'], who: 'handler' },
  start: { from: ['assigned'], who: 'handler' },
  pause: { from: workingStates, who: 'handler' },
  resume: { from: ['pending_info'], who: 'handler_or_reporter' },
  resolve: { from: ['in_progress'], who: 'handler' },
  confirm: { from: ['resolved'], who: 'reporter' },
  dispute: { from: ['resolved'], who: 'reporter' },
  transfer: { from: workingStates, who: 'handler' },
  escalate: { from: workingStates, who: 'handler' },
  supervise: { from: [...workingStates, 'pending_info'], who: 'supervisor' },
  merge: { from: [...workingStates, 'pending_info'], who: 'handler' },
  comment: {
    from: [...workingStates, 'pending_info', 'resolved', 'closed', 'rejected', 'duplicate'],
    who: 'handler_or_reporter',
  },
};

/** The workflow action an offer stands for: a claim is an assign to oneself. */
export const offerAction = (offer: CaseOffer): CaseActionName => (offer === 'claim' ? 'assign' : offer);
