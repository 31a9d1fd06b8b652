import { caseEndpoints as e } from '@civitas/contracts/endpoints/cases';
import type { App } from '../../../platform/http/http-server.js';
import { route } from '../../../platform/http/route.js';
import type { CaseAssignees } from './case-assignees.js';
import type { CaseContacts } from './case-contact.js';

/** The handler's desk: whom to assign, and the caller's contact in clear (audited). */
export function registerCaseDeskRoutes(app: App, assignees: CaseAssignees, contacts: CaseContacts): void {
  route(app, e.assignees, 'case.handle', async (req) => ({
    items: await assignees.list(req.actor, req.params.id),
  }));
  route(app, e.revealContact, 'case.handle', async (req) => ({
    field: req.body.field,
    value: await contacts.reveal(req.ctx, req.params.id, req.body.field, req.body.reason),
  }));
}
