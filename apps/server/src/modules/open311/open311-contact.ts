import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import { maskEmail, maskName, maskPhone } from '../../platform/privacy/masking.js';
import type { Submission } from './open311-form.js';
import type { SubmitterContact } from '@civitas/contracts/open311';

/**
 * The submitter's contact from POST requests (email, phone, names, device and account ids) is
 * personal data. It is kept only to reach the submitter about the case: sealed with the field
 * cipher, bound to the case by the AAD, with masks for staff screens (ADR 0005), and it never
 * appears in an Open311 response.
 */
export const open311ContactAad = (caseId: string) => `open311_requests.contact:${caseId}`;

export function sealContact(cipher: FieldCipher, caseId: string, s: Submission): string | null {
  const c: SubmitterContact = {
    email: s.email ?? null,
    phone: s.phone ?? null,
    firstName: s.firstName ?? null,
    lastName: s.lastName ?? null,
    deviceId: s.deviceId ?? null,
    accountId: s.accountId ?? null,
  };
  if (Object.values(c).every((v) => v === null)) return null;
  return cipher.encrypt(JSON.stringify(c), open311ContactAad(caseId));
}

export function openContact(cipher: FieldCipher, caseId: string, sealed: string | null): SubmitterContact {
  if (!sealed)
    return { email: null, phone: null, firstName: null, lastName: null, deviceId: null, accountId: null };
  return JSON.parse(cipher.decrypt(sealed, open311ContactAad(caseId))) as SubmitterContact;
}

export function contactMasks(s: Submission) {
  const name = [s.lastName, s.firstName].filter(Boolean).join(' ');
  return {
    emailMask: s.email ? maskEmail(s.email) : null,
    phoneMask: s.phone ? maskPhone(s.phone) : null,
    nameMask: name ? maskName(name) : null,
  };
}
