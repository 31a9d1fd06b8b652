import type { CreateCase } from '@civitas/contracts/cases';
import type { Transaction } from 'kysely';
import type { AuditLog } from '../../../platform/audit/audit-log.js';
import type { Actor, RequestContext } from '../../../platform/auth/actor.js';
import type { FieldCipher } from '../../../platform/crypto/field-cipher.js';
import { badRequest, forbidden, notFound } from '../../../platform/errors/errors.js';
import { maskName, maskPhone } from '../../../platform/privacy/masking.js';
import { handleGrant, readGrant } from '../workflow/case-policy.js';
import type { CaseContactRepository } from './case-contact.repository.js';
import type { CaseDetailRow, CasesRepository } from '../cases.repository.js';
import { scopeOf, type IntakeHook } from '../cases.service.js';
import { caseTx } from '../cases.tables.js';
import type { DB } from '../../../platform/db/schema.js';

export type CaseContactInput = NonNullable<CreateCase['contact']>;
export type CaseContactField = 'name' | 'phone';

/** The sealed columns intake writes (migration 0011); absent when no contact was taken. */
export interface SealedContact {
  contact_name_enc: string | null;
  contact_name_mask: string | null;
  contact_phone_enc: string | null;
  contact_phone_mask: string | null;
}

// The AAD binds each ciphertext to its column, so a sealed phone pasted into the name column
// fails to decrypt instead of showing up under the wrong label.
export const CASE_CONTACT_AAD: Record<CaseContactField, string> = {
  name: 'cases.contact_name',
  phone: 'cases.contact_phone',
};

/**
 * The caller of a hotline or walk-in case (PIPL minimum necessary; ASVS 14.2.6 and 16.3): stored
 * sealed, shown masked to staff who may see the case, in clear only through `reveal`, which needs
 * a reason and leaves an audit row. Resident views, timelines, audit details and Open311 never
 * carry it.
 */
export class CaseContacts {
  constructor(
    private readonly repo: CasesRepository,
    private readonly contactRepo: CaseContactRepository,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
  ) {}

  seal(contact: CaseContactInput | undefined): SealedContact | null {
    const name = contact?.name?.trim() || null;
    const phone = contact?.phone?.trim() || null;
    if (!name && !phone) return null;
    return {
      contact_name_enc: name ? this.cipher.encrypt(name, CASE_CONTACT_AAD.name) : null,
      contact_name_mask: name ? maskName(name) : null,
      contact_phone_enc: phone ? this.cipher.encrypt(phone, CASE_CONTACT_AAD.phone) : null,
      contact_phone_mask: phone ? maskPhone(phone) : null,
    };
  }

  /**
   * The intake hook that stores the caller's contact with the case, in its transaction. Residents
   * report for themselves (their account is the contact), so only staff-entered channels take one.
   */
  intakeHook(channel: CreateCase['channel'], contact: CaseContactInput | undefined): IntakeHook | undefined {
    const sealed = this.seal(contact);
    if (!sealed) return undefined;
    if (channel === 'resident_report')
      throw badRequest(
        'contact_not_allowed',
        'contact: only hotline, walk-in and other staff-entered cases take a caller contact',
      );
    return async (trx: Transaction<DB>, created: CaseDetailRow) => {
      await this.contactRepo.store(caseTx(trx), created.id, sealed);
      // The row intake returns was read before this write; it now holds what committed.
      Object.assign(created, sealed);
    };
  }

  /**
   * The plain value for whoever handles the case (they call the caller back). Someone who may only
   * read the case hears what they lack; anyone else gets 404, as for the case itself.
   */
  async reveal(
    ctx: RequestContext & { actor: Actor },
    caseId: string,
    field: CaseContactField,
    reason: string,
  ): Promise<string | null> {
    const row = await this.repo.find(caseId);
    if (!row) throw notFound('Case');
    const scope = scopeOf(row);
    const grant = handleGrant(ctx.actor, scope);
    if (!grant) {
      if (readGrant(ctx.actor, scope))
        throw forbidden("contact: only those handling the case may reveal the caller's contact");
      throw notFound('Case');
    }
    const sealed = field === 'name' ? row.contact_name_enc : row.contact_phone_enc;
    const value = sealed ? this.cipher.decrypt(sealed, CASE_CONTACT_AAD[field]) : null;
    // Logged before the value leaves (ASVS 16.3), like the resident reveal.
    await this.audit.record(ctx, {
      action: 'case.contact.reveal',
      targetType: 'case',
      targetId: row.id,
      targetUnitId: row.org_unit_id,
      grant,
      detail: { ref: row.ref, field, reason },
    });
    return value;
  }
}
