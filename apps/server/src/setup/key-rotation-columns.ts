import { AUDIT_ROOT_AAD } from '../platform/audit/audit-key-archive.js';
import type { FieldCipher } from '../platform/crypto/field-cipher.js';
import { CASE_CONTACT_AAD } from '../modules/cases/desk/case-contact.js';
import { APIKEY_AAD, TOKEN_AAD } from '../modules/devices/device-secrets.js';
import { TOTP_AAD } from '../modules/identity/auth.service.js';
import { open311ContactAad } from '../modules/open311/open311-contact.js';
import {
  AAD as RESIDENT_AAD,
  idNumberIndex,
  nameIndex,
  phoneIndex,
} from '../modules/registry/resident-sealing.js';

type Row = Record<string, unknown>;

/** A column of `v1.`/`v2.` ciphertext and the associated data it was sealed with. */
export interface SealedColumn {
  column: string;
  aad: (row: Row) => string;
}

/**
 * A blind-index column, recomputed from the plain value of a sealed column of the same row: one
 * digest (`text`), or one per lookup form (`text[]`, the name index of ADR 0045).
 */
export interface IndexColumn {
  column: string;
  from: string;
  index: (cipher: FieldCipher, plain: string) => string | string[];
}

export interface RotatedTable {
  table: string;
  /** Primary key: the walk's keyset cursor. */
  key: string;
  sealed: SealedColumn[];
  indexes: IndexColumn[];
}

const fixed = (aad: string) => () => aad;

/**
 * Every table holding ciphertext or a keyed blind index (ADR 0042). `key-rotation.int.test.ts`
 * scans a seeded database for values that look sealed or keyed and fails on any column missing
 * here, so a column added later cannot be left out of a rotation.
 */
export const ROTATED_TABLES: RotatedTable[] = [
  {
    table: 'residents',
    key: 'id',
    sealed: [
      { column: 'name_enc', aad: fixed(RESIDENT_AAD.name) },
      { column: 'phone_enc', aad: fixed(RESIDENT_AAD.phone) },
      { column: 'id_number_enc', aad: fixed(RESIDENT_AAD.idNumber) },
    ],
    indexes: [
      { column: 'phone_hash', from: 'phone_enc', index: phoneIndex },
      { column: 'id_number_hash', from: 'id_number_enc', index: idNumberIndex },
      { column: 'name_index', from: 'name_enc', index: nameIndex },
    ],
  },
  {
    table: 'cases',
    key: 'id',
    sealed: [
      { column: 'contact_name_enc', aad: fixed(CASE_CONTACT_AAD.name) },
      { column: 'contact_phone_enc', aad: fixed(CASE_CONTACT_AAD.phone) },
    ],
    indexes: [],
  },
  {
    table: 'open311_requests',
    key: 'case_id',
    sealed: [{ column: 'contact_enc', aad: (r) => open311ContactAad(String(r.case_id)) }],
    indexes: [],
  },
  { table: 'users', key: 'id', sealed: [{ column: 'totp_secret_enc', aad: fixed(TOTP_AAD) }], indexes: [] },
  { table: 'devices', key: 'id', sealed: [{ column: 'token_sealed', aad: fixed(TOKEN_AAD) }], indexes: [] },
  {
    table: 'api_key_groups',
    key: 'id',
    sealed: [{ column: 'apikey_sealed', aad: fixed(APIKEY_AAD) }],
    indexes: [],
  },
  {
    table: 'audit_chain_keys',
    key: 'key_id',
    sealed: [{ column: 'sealed', aad: fixed(AUDIT_ROOT_AAD) }],
    indexes: [],
  },
];

/**
 * Digest columns that are deliberately not keyed by SECRET_KEY, so a rotation leaves them alone:
 * credential hashes are plain SHA-256 of a random 192-bit-or-more secret (a key adds nothing to
 * a secret nobody can guess), so devices, sessions and API tokens work unchanged after a rotation
 * and nobody is logged out; the audit chain is never re-hashed (ADR 0042).
 */
export const UNKEYED_DIGESTS = new Set([
  'devices.token_hash',
  'api_key_groups.apikey_hash',
  'sessions.id',
  'api_tokens.token_hash',
  'open311_api_keys.key_hash',
  'audit_log.hash',
  'audit_log.prev_hash',
  'audit_head.hash',
  'schema_migrations.checksum',
]);
