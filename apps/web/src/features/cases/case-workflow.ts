import { caseActionRules } from '@civitas/contracts/case-workflow';
import {
  caseActionNames,
  type CaseActionName,
  type CaseOffer,
  type CaseState,
} from '@civitas/contracts/cases';

/**
 * What the UI offers on a case is what the server said it would accept from this user
 * (`allowedActions`, computed by the policy it enforces; ADR 0046). Only work queued offline, which
 * the server has not seen yet, needs a projection: from the last known offers and state, through
 * the shared workflow table (packages/contracts/src/case-workflow.ts).
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

export interface Offers {
  state: CaseState;
  allowed: ReadonlySet<CaseOffer>;
}

/**
 * The case after the queued actions, and what the user may do to it then. The user's standing on
 * the case (handler, holder who may claim, reporter, supervisor) is read from the server's last
 * offers; the workflow table says which actions that standing allows in the projected state. An
 * escalation the server withheld while it was possible (no unit above) stays withheld.
 */
export function projectOffers(
  state: CaseState,
  allowed: readonly CaseOffer[],
  queued: readonly CaseActionName[],
): Offers {
  if (queued.length === 0) return { state, allowed: new Set(allowed) };
  const next = queued.reduce(projectedState, state);
  const has = (who: string) => allowed.some((a) => a !== 'claim' && caseActionRules[a].who === who);
  const handler = has('handler');
  const reporter = has('reporter') || (!handler && allowed.includes('comment'));
  const standing = {
    handler,
    reporter,
    supervisor: has('supervisor'),
    handler_or_reporter: handler || reporter,
  };
  const atTop = handler && caseActionRules.escalate.from.includes(state) && !allowed.includes('escalate');
  const out = new Set<CaseOffer>();
  for (const a of caseActionNames) {
    const rule = caseActionRules[a];
    if (!rule.from.includes(next) || !standing[rule.who]) continue;
    if (a === 'escalate' && atTop) continue;
    out.add(a);
    if (a === 'assign' && allowed.includes('claim')) out.add('claim');
  }
  return { state: next, allowed: out };
}
