import type { CaseActionName, CaseState } from '@civitas/contracts/cases';

/**
 * Which actions the UI offers in each state. It mirrors the server's table
 * (apps/server/src/modules/cases/case-workflow.ts) only to hide buttons that cannot work; the server
 * still decides, and a refusal is shown as an error.
 */
const working: readonly CaseState[] = ['submitted', 'accepted', 'assigned', 'in_progress', 'reopened'];

const from: Record<CaseActionName, readonly CaseState[]> = {
  accept: ['submitted'],
  reject: ['submitted'],
  assign: ['accepted', 'assigned', 'reopened'],
  start: ['assigned'],
  pause: working,
  resume: ['pending_info'],
  resolve: ['in_progress'],
  confirm: ['resolved'],
  dispute: ['resolved'],
  transfer: working,
  escalate: working,
  supervise: [...working, 'pending_info'],
  merge: [...working, 'pending_info'],
  comment: [...working, 'pending_info', 'resolved', 'closed', 'rejected', 'duplicate'],
};

/** Staff actions in the order the action panel lists them. */
export const staffActions: readonly CaseActionName[] = [
  'accept',
  'reject',
  'assign',
  'start',
  'pause',
  'resume',
  'resolve',
  'transfer',
  'escalate',
  'supervise',
  'merge',
  'comment',
];

export function allowedIn(state: CaseState, action: CaseActionName): boolean {
  return from[action].includes(state);
}

/** The state an action leads to; used to show queued offline work before the server has seen it. */
export function projectedState(state: CaseState, action: CaseActionName): CaseState {
  switch (action) {
    case 'accept':
      return 'accepted';
    case 'reject':
      return 'rejected';
    case 'assign':
      return 'assigned';
    case 'start':
      return 'in_progress';
    case 'pause':
      return 'pending_info';
    case 'resolve':
      return 'resolved';
    case 'confirm':
      return 'closed';
    case 'dispute':
      return 'reopened';
    case 'merge':
      return 'duplicate';
    case 'transfer':
    case 'escalate':
      return state === 'submitted' ? 'submitted' : 'accepted';
    default:
      return state;
  }
}
