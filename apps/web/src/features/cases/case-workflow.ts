import { caseActionNames, type CaseActionName } from '@civitas/contracts/cases';

/**
 * What the UI offers on a case is what the server said it would accept from this user
 * (`allowedActions`, computed by the policy it enforces; ADR 0046). Only work queued offline, which
 * the server has not seen yet, needs a projection: from the last known offers and state, through
 * the shared workflow table (`projectOffers` in packages/contracts/src/case-workflow.ts).
 */

/** Staff actions in the order the action panel lists them: all but the reporter's answers. */
export const staffActions: readonly CaseActionName[] = caseActionNames.filter(
  (a) => a !== 'confirm' && a !== 'dispute',
);
