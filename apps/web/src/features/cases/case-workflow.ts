import type { CaseActionName } from '@civitas/contracts/cases';

/**
 * What the UI offers on a case is what the server said it would accept from this user
 * (`allowedActions`, computed by the policy it enforces; ADR 0046). Only work queued offline, which
 * the server has not seen yet, needs a projection: from the last known offers and state, through
 * the shared workflow table (`projectOffers` in packages/contracts/src/case-workflow.ts).
 */

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
