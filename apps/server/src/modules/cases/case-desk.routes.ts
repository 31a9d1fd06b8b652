import { caseAssignee, caseContactRevealRequest, caseContactRevealResponse } from '@civitas/contracts/cases';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import type { CaseAssignees } from './case-assignees.js';
import type { CaseContacts } from './case-contact.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['cases'];

/** The handler's desk: whom to assign, and the caller's contact in clear (audited). */
export function registerCaseDeskRoutes(app: App, assignees: CaseAssignees, contacts: CaseContacts): void {
  app.get(
    '/api/v1/cases/:id/assignees',
    {
      config: { access: 'case.handle' },
      schema: {
        tags,
        summary: 'People who may be assigned this case (for those handling it); id and name only',
        params: idParams,
        response: { 200: z.object({ items: z.array(caseAssignee) }) },
      },
    },
    async (req) => ({ items: await assignees.list(req.actor!, req.params.id) }),
  );

  app.post(
    '/api/v1/cases/:id/contact/reveal',
    {
      config: { access: 'case.handle' },
      schema: {
        tags,
        summary: "Show the caller's name or phone in clear (those handling the case; the reason is audited)",
        params: idParams,
        body: caseContactRevealRequest,
        response: { 200: caseContactRevealResponse },
      },
    },
    async (req) => ({
      field: req.body.field,
      value: await contacts.reveal(
        { ...req.ctx, actor: req.actor! },
        req.params.id,
        req.body.field,
        req.body.reason,
      ),
    }),
  );
}
