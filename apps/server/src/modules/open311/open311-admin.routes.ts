import { open311AdminEndpoints as e } from '@civitas/contracts/endpoints/open311';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { openContact } from './open311-contact.js';
import type { Open311KeysService } from './open311-keys.service.js';
import type { Open311Service } from './open311.service.js';

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
  route(app, e.createKey, 'case.configure', async (req) => {
    const { key, summary } = await keys.create(req.ctx, req.body);
    return { ...summary, key };
  });
  route(app, e.keys, 'case.configure', async (req) => ({ items: await keys.list(req.actor) }));
  route(app, e.revokeKey, 'case.configure', (req) => keys.revoke(req.ctx, req.params.id));
  route(app, e.requestInfo, 'case.read', async (req) => {
    const r = await open311.info(req.ctx, req.params.id);
    return {
      caseId: r.case_id,
      integrator: { id: r.key_id, name: r.key_name, prefix: r.key_prefix },
      mediaUrl: r.media_url,
      addressId: r.address_id,
      contact: { email: r.email_mask, phone: r.phone_mask, name: r.name_mask },
      receivedAt: r.created_at.toISOString(),
    };
  });
  route(app, e.revealContact, 'case.read', async (req) => {
    const r = await open311.reveal(req.ctx, req.params.id, req.body.reason);
    return openContact(cipher, r.case_id, r.contact_enc);
  });
}
