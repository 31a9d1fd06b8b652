import { z } from 'zod';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { App } from '../../platform/http/http-server.js';
import { openContact } from './open311-contact.js';
import type { Open311KeysService } from './open311-keys.service.js';
import {
  apiKeySummary,
  createApiKey,
  open311RequestInfo,
  revealContact,
  submitterContact,
} from './open311.schema.js';
import type { Open311Service } from './open311.service.js';

const tags = ['open311'];
const idParams = z.object({ id: z.uuid() });

/**
 * The staff side of Open311: administrators issue and revoke integrators' api_keys, and staff who
 * can see a case read which integrator sent it, with the submitter's contact masked or, with a
 * reason that is audited, in full.
 */
export function registerOpen311AdminRoutes(
  app: App,
  keys: Open311KeysService,
  open311: Open311Service,
  cipher: FieldCipher,
): void {
  app.post(
    '/api/v1/open311-keys',
    {
      config: { access: 'case.configure' },
      schema: {
        tags,
        summary: 'Issue an Open311 api_key to an integrator; the key is shown only in this response',
        body: createApiKey,
        response: { 201: apiKeySummary.extend({ key: z.string() }) },
      },
    },
    async (req, reply) => {
      const { key, summary } = await keys.create({ ...req.ctx, actor: req.actor! }, req.body);
      return reply.status(201).send({ ...summary, key });
    },
  );

  app.get(
    '/api/v1/open311-keys',
    {
      config: { access: 'case.configure' },
      schema: {
        tags,
        summary: 'Open311 api_keys of the units you configure',
        response: { 200: z.object({ items: z.array(apiKeySummary) }) },
      },
    },
    async (req) => ({ items: await keys.list(req.actor!) }),
  );

  app.delete(
    '/api/v1/open311-keys/:id',
    {
      config: { access: 'case.configure' },
      schema: {
        tags,
        summary: 'Revoke an Open311 api_key',
        params: idParams,
        response: { 200: apiKeySummary },
      },
    },
    async (req) => keys.revoke({ ...req.ctx, actor: req.actor! }, req.params.id),
  );

  app.get(
    '/api/v1/open311-requests/:id',
    {
      config: { access: 'case.read' },
      schema: {
        tags,
        summary: 'Staff: the integrator and masked contact of a case that came in through Open311',
        params: idParams,
        response: { 200: open311RequestInfo },
      },
    },
    async (req) => {
      const r = await open311.info({ ...req.ctx, actor: req.actor! }, req.params.id);
      return {
        caseId: r.case_id,
        integrator: { id: r.key_id, name: r.key_name, prefix: r.key_prefix },
        mediaUrl: r.media_url,
        addressId: r.address_id,
        contact: { email: r.email_mask, phone: r.phone_mask, name: r.name_mask },
        receivedAt: r.created_at.toISOString(),
      };
    },
  );

  app.post(
    '/api/v1/open311-requests/:id/reveal',
    {
      config: { access: 'case.read' },
      schema: {
        tags,
        summary: "Staff: the submitter's full contact, with a reason; the look is audited first",
        params: idParams,
        body: revealContact,
        response: { 200: submitterContact },
      },
    },
    async (req) => {
      const r = await open311.reveal({ ...req.ctx, actor: req.actor! }, req.params.id, req.body.reason);
      return openContact(cipher, r.case_id, r.contact_enc);
    },
  );
}
