import { caseActionNames, type CaseActionName, type CaseOffer, type CaseState } from './cases.js';

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

export interface WorkflowCase {
  state: CaseState;
  pausedFrom: CaseState | null;
}

export interface CaseActionRule {
  from: readonly CaseState[];
  who: CaseActorKind;
  to: (c: WorkflowCase) => CaseState;
}

const backToQueue = (c: WorkflowCase): CaseState => (c.state === 'submitted' ? 'submitted' : 'accepted');
const same = (c: WorkflowCase): CaseState => c.state;

export const caseActionRules: Record<CaseActionName, CaseActionRule> = {
  accept: { from: ['submitted'], who: 'handler', to: () => 'accepted' },
  reject: { from: ['submitted'], who: 'handler', to: () => 'rejected' },
  assign: { from: ['accepted', 'assigned', 'reopened'], who: 'handler', to: () => 'assigned' },
  start: { from: ['assigned'], who: 'handler', to: () => 'in_progress' },
  pause: { from: workingStates, who: 'handler', to: () => 'pending_info' },
  resume: { from: ['pending_info'], who: 'handler_or_reporter', to: (c) => c.pausedFrom ?? 'accepted' },
  resolve: { from: ['in_progress'], who: 'handler', to: () => 'resolved' },
  confirm: { from: ['resolved'], who: 'reporter', to: () => 'closed' },
  dispute: { from: ['resolved'], who: 'reporter', to: () => 'reopened' },
  transfer: { from: workingStates, who: 'handler', to: backToQueue },
  escalate: { from: workingStates, who: 'handler', to: backToQueue },
  supervise: { from: [...workingStates, 'pending_info'], who: 'supervisor', to: same },
  merge: { from: [...workingStates, 'pending_info'], who: 'handler', to: () => 'duplicate' },
  comment: {
    from: [...workingStates, 'pending_info', 'resolved', 'closed', 'rejected', 'duplicate'],
    who: 'handler_or_reporter',
    to: same,
  },
};

/** The next state, or null when the action is not allowed from the current state. */
export function nextState(c: WorkflowCase, action: CaseActionName): CaseState | null {
  const rule = caseActionRules[action];
  return rule.from.includes(c.state) ? rule.to(c) : null;
}

export interface Offers {
  state: CaseState;
  allowed: ReadonlySet<CaseOffer>;
}

/**
 * The case after work queued offline, and what the user may do to it then. The user's standing on
 * the case (handler, claimer, reporter, supervisor) is read from the server's last offers and
 * `claimable` (the case's staff view says whether the user may take it themselves); this
 * table says which actions that standing allows in the projected state. An escalation the server
 * withheld while the state allowed it (no unit above) stays withheld.
 */
export function projectOffers(
  c: WorkflowCase,
  allowed: readonly CaseOffer[],
  queued: readonly CaseActionName[],
  claimable = false,
): Offers {
  if (queued.length === 0) return { state: c.state, allowed: new Set(allowed) };
  const next = queued.reduce<WorkflowCase>((w, a) => {
    const to = nextState(w, a);
    if (to === null) return w;
    return { state: to, pausedFrom: to === 'pending_info' ? w.state : null };
  }, c).state;
  const has = (who: CaseActorKind) => allowed.some((a) => a !== 'claim' && caseActionRules[a].who === who);
  const handler = has('handler');
  const reporter = has('reporter') || (!handler && allowed.includes('comment'));
  const standing: Record<CaseActorKind, boolean> = {
    handler,
    reporter,
    supervisor: has('supervisor'),
    handler_or_reporter: handler || reporter,
  };
  const atTop = handler && caseActionRules.escalate.from.includes(c.state) && !allowed.includes('escalate');
  const out = new Set<CaseOffer>();
  for (const a of caseActionNames) {
    const rule = caseActionRules[a];
    if (!rule.from.includes(next) || !standing[rule.who]) continue;
    if (a === 'escalate' && atTop) continue;
    out.add(a);
    if (a === 'assign' && (claimable || allowed.includes('claim'))) out.add('claim');
  }
  return { state: next, allowed: out };
}

/** The workflow action an offer stands for: a claim is an assign to oneself. */
export const offerAction = (offer: CaseOffer): CaseActionName => (offer === 'claim' ? 'assign' : offer);
