import type { Kysely } from 'kysely';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { DB } from '../db/schema.js';
import { deriveAuditKeys, type AuditKeys } from './audit-keys.js';

/** Associated data of `audit_chain_keys.sealed`: an audit root opens only from this column. */
export const AUDIT_ROOT_AAD = 'audit_chain_keys.sealed';

/**
 * Seals the audit root of every key of the ring into `audit_chain_keys` (ADR 0042), once per key.
 * Entries keyed before a rotation are never re-hashed; this is how they stay verifiable after the
 * old SECRET_KEY is removed: the walk re-encrypts these rows under the new key like any others.
 */
export async function archiveAuditRoots(db: Kysely<DB>, cipher: FieldCipher): Promise<void> {
  const roots = [cipher.auditKey, ...cipher.previousAuditKeys];
  const rows = roots.map((root) => ({
    key_id: deriveAuditKeys(root).chainKeyId,
    sealed: cipher.encrypt(root.toString('hex'), AUDIT_ROOT_AAD),
  }));
  await db
    .insertInto('audit_chain_keys')
    .values(rows)
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

/**
 * Every chain key this process can use to verify: the current one, the ring's previous ones and
 * the archived ones it can open. Archived rows it cannot open (a key missing from the ring) are
 * skipped; verification then names the key it lacks.
 */
export async function auditKeyring(db: Kysely<DB>, cipher: FieldCipher): Promise<AuditKeys[]> {
  const out = new Map<string, AuditKeys>();
  for (const root of [cipher.auditKey, ...cipher.previousAuditKeys]) {
    const k = deriveAuditKeys(root);
    out.set(k.chainKeyId, k);
  }
  const archived = await db.selectFrom('audit_chain_keys').select(['key_id', 'sealed']).execute();
  for (const r of archived) {
    if (out.has(r.key_id)) continue;
    try {
      const k = deriveAuditKeys(Buffer.from(cipher.decrypt(r.sealed, AUDIT_ROOT_AAD), 'hex'));
      if (k.chainKeyId === r.key_id) out.set(k.chainKeyId, k);
    } catch {
      // sealed under a key this process does not hold
    }
  }
  return [...out.values()];
}
