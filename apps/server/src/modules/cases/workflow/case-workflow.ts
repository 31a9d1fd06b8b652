import { caseActionRules, workingStates } from '@civitas/contracts/case-workflow';
import type { CaseState } from '@civitas/contracts/cases';

/**
 * The case state machine as data (docs/adr/0010). Each action names the states it may start from,
 * who may take it, and the state it leads to. The service consults only this table, so the
 * property tests that drive this table also bound what the service can ever do.
 *
 *   submitted → accepted | rejected | duplicate | pending_info
 *   accepted  → assigned | pending_info | duplicate
 *   assigned  → in_progress | assigned (re-assign) | pending_info | duplicate
 *   in_progress → resolved | pending_info | duplicate
 *   pending_info → (the state it paused from)
 *   resolved  → closed (reporter confirms) | reopened (reporter disputes)
 *   reopened  → assigned | pending_info | duplicate
 * transfer and escalate send assigned/in_progress work back to `accepted` at the new holder.
 */

export type { WorkflowCase } from '@civitas/contracts/case-workflow';
export { nextState } from '@civitas/contracts/case-workflow';

/** Response deadline: until someone is assigned. Resolution deadline: until resolved. */
export const responseStates: readonly CaseState[] = ['submitted', 'accepted', 'reopened'];
export const resolutionStates: readonly CaseState[] = ['assigned', 'in_progress'];
export const terminalStates: readonly CaseState[] = ['rejected', 'duplicate', 'closed'];

/** The table itself lives in contracts, so the web projects queued work by the same rules. */
export const workflow = caseActionRules;

/** What a row must satisfy in each state; checked by the tests after every action. */
export interface InvariantView {
  id: string;
  state: string;
  paused_from: string | null;
  paused_at: Date | null;
  assignee_id: string | null;
  resolution_note: string | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  rejection_reason: string | null;
  duplicate_of: string | null;
  version: number;
}

export function invariantViolations(c: InvariantView): string[] {
  const out: string[] = [];
  const known = new Set(Object.values(workflow).flatMap((r) => r.from as string[]));
  if (!known.has(c.state)) out.push(`unknown state ${c.state}`);
  if ((c.state === 'pending_info') !== (c.paused_from !== null && c.paused_at !== null))
    out.push('pending_info must carry paused_from and paused_at, and only it');
  if (c.paused_from !== null && !workingStates.includes(c.paused_from as CaseState))
    out.push(`paused from a state that cannot pause: ${c.paused_from}`);
  if ((c.state === 'assigned' || c.state === 'in_progress') && c.assignee_id === null)
    out.push(`${c.state} without an assignee`);
  if ((c.state === 'resolved' || c.state === 'closed') && (!c.resolution_note || !c.resolved_at))
    out.push(`${c.state} without a resolution note`);
  if (c.state === 'closed' && !c.closed_at) out.push('closed without closed_at');
  if (c.state === 'rejected' && !c.rejection_reason) out.push('rejected without a reason');
  if (c.state === 'duplicate' && (!c.duplicate_of || c.duplicate_of === c.id))
    out.push('duplicate without another case to point to');
  if (c.version < 1) out.push('version below 1');
  return out;
}
