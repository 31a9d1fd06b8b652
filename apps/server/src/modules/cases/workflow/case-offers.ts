import {
  caseActionNames,
  type CaseActionName,
  type CaseOffer,
  type CaseState,
} from '@civitas/contracts/cases';
import type { Actor, Grant } from '../../../platform/auth/actor.js';
import type { CaseDetailRow } from '../cases.repository.js';
import { scopeOf } from '../cases.service.js';
import { claimGrant, handleGrant, isReporter, readGrant, supervisorGrant } from './case-policy.js';
import { nextState, workflow } from './case-workflow.js';

/**
 * Who may take an action on a case, as one decision (ADR 0046): the action service enforces it and
 * the presenters list, from the same function, what the caller may do (`allowedActions`), so the web
 * never offers what the server refuses. `grant` is the grant the actor acts under (none for a
 * reporter acting on their own report).
 */
export type Right =
  | { ok: true; grant: Grant | undefined }
  | { ok: false; status: 404 }
  | {
      ok: false;
      status: 403;
      code: 'case_not_responsible' | 'case_reporter_only' | 'case_supervisor_only' | 'case_claim_not_holder';
    };

export function rightTo(actor: Actor, c: CaseDetailRow, action: CaseActionName, claim = false): Right {
  const scope = scopeOf(c);
  const reporter = isReporter(actor, scope);
  if (!readGrant(actor, scope) && !reporter) return { ok: false, status: 404 };
  const handler = handleGrant(actor, scope);
  const refuse = (code: Extract<Right, { status: 403 }>['code']): Right => ({ ok: false, status: 403, code });
  switch (workflow[action].who) {
    case 'handler':
      if (!handler) return refuse('case_not_responsible');
      // Taking a case for oneself is for the holding unit's own staff; units above dispatch it.
      if (claim) {
        const own = claimGrant(actor, scope);
        return own ? { ok: true, grant: own } : refuse('case_claim_not_holder');
      }
      return { ok: true, grant: handler };
    case 'reporter':
      if (reporter) return { ok: true, grant: undefined };
      if (!c.reporter_id && handler) return { ok: true, grant: handler };
      return refuse('case_reporter_only');
    case 'supervisor': {
      const g = supervisorGrant(actor, scope);
      return g ? { ok: true, grant: g } : refuse('case_supervisor_only');
    }
    case 'handler_or_reporter':
      if (handler) return { ok: true, grant: handler };
      if (reporter) return { ok: true, grant: undefined };
      return refuse('case_not_responsible');
  }
}

/**
 * Checks that need the case but no request body: escalation needs a unit above, and a unit
 * supervises a case once. The body's own checks (assignee, transfer target, merge target, the
 * resolution photo) are made when the action is sent.
 */
function caseFits(c: CaseDetailRow, action: CaseActionName, grant: Grant | undefined): boolean {
  if (action === 'escalate') return c.resp_parent_id !== null;
  if (action === 'supervise') return !(c.supervised && c.supervised_by_unit_id === grant?.orgUnitId);
  return true;
}

/** Everything the actor may do to the case now, in the workflow's order, claim after assign. */
export function allowedActions(actor: Actor, c: CaseDetailRow): CaseOffer[] {
  const wf = { state: c.state as CaseState, pausedFrom: c.paused_from as CaseState | null };
  const out: CaseOffer[] = [];
  for (const action of caseActionNames) {
    if (nextState(wf, action) === null) continue;
    const right = rightTo(actor, c, action);
    if (!right.ok || !caseFits(c, action, right.grant)) continue;
    out.push(action);
    if (action === 'assign' && rightTo(actor, c, action, true).ok) out.push('claim');
  }
  return out;
}

/** Whether the actor may take the case themselves once its state allows an assign. */
export const claimable = (actor: Actor, c: CaseDetailRow): boolean => rightTo(actor, c, 'assign', true).ok;
