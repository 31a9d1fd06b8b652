import type { ResidentFlags } from '@civitas/contracts/registry';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { NewResident } from './registry.tables.js';
import {
  maskIdNumber,
  maskName,
  maskPhone,
  normalizeIdNumber,
  normalizePhone,
} from '../../platform/privacy/masking.js';
import { nameTokens, normalizeName } from './name-tokens.js';

/** A resident as validated at the edge, before encryption. */
export interface ResidentFields {
  name: string;
  phone: string | null;
  idNumber: string | null;
  birthDate: string | null;
  gender: 'male' | 'female' | 'unknown';
  flags: ResidentFlags;
}

// Associated data binds each ciphertext to its column: a phone ciphertext pasted into the name
// column fails to decrypt instead of revealing a phone number as a name.
export const AAD = {
  name: 'residents.name',
  phone: 'residents.phone',
  idNumber: 'residents.id_number',
} as const;

export const phoneIndex = (cipher: FieldCipher, phone: string) =>
  cipher.blindIndex('phone', normalizePhone(phone));
export const idNumberIndex = (cipher: FieldCipher, id: string) =>
  cipher.blindIndex('id_number', normalizeIdNumber(id));
/** For lookups: the index under every key of the ring, so a rotation in progress finds every row. */
export const phoneIndexes = (cipher: FieldCipher, phone: string) =>
  cipher.blindIndexes('phone', normalizePhone(phone));
export const idNumberIndexes = (cipher: FieldCipher, id: string) =>
  cipher.blindIndexes('id_number', normalizeIdNumber(id));

/**
 * The name's blind index (ADR 0045): one keyed digest per lookup form, sorted so that the stored
 * array is a function of the name and the key alone (the rotation walk compares it).
 */
export const nameIndex = (cipher: FieldCipher, name: string): string[] =>
  nameTokens(name)
    .map((t) => cipher.blindIndex('name', t))
    .sort();
/** For lookups: the query's digest under every key of the ring. */
export const nameQueryIndexes = (cipher: FieldCipher, query: string): string[] => {
  const q = normalizeName(query);
  return q ? cipher.blindIndexes('name', q) : [];
};

/** Turns plain fields into the stored form: ciphertext, mask and blind index per personal field. */
export function sealResident(
  cipher: FieldCipher,
  f: ResidentFields,
  place: { orgUnitId: string; buildingId: string | null; householdId: string | null },
): NewResident {
  return {
    org_unit_id: place.orgUnitId,
    building_id: place.buildingId,
    household_id: place.householdId,
    name_enc: cipher.encrypt(f.name, AAD.name),
    name_mask: maskName(f.name),
    name_index: nameIndex(cipher, f.name),
    phone_enc: f.phone ? cipher.encrypt(f.phone, AAD.phone) : null,
    phone_mask: f.phone ? maskPhone(f.phone) : null,
    phone_hash: f.phone ? phoneIndex(cipher, f.phone) : null,
    id_number_enc: f.idNumber ? cipher.encrypt(normalizeIdNumber(f.idNumber), AAD.idNumber) : null,
    id_number_mask: f.idNumber ? maskIdNumber(normalizeIdNumber(f.idNumber)) : null,
    id_number_hash: f.idNumber ? idNumberIndex(cipher, f.idNumber) : null,
    birth_date: f.birthDate,
    gender: f.gender,
    elderly_living_alone: f.flags.elderlyLivingAlone,
    disability: f.flags.disability,
    child: f.flags.child,
    needs_assistance: f.flags.needsAssistance,
  };
}
