import { createHmac, hkdfSync } from 'node:crypto';

/** The two audit keys, each derived for one purpose so neither can stand in for the other. */
export interface AuditKeys {
  /** Keys the chain's row hashes (HMAC-SHA-256). */
  chain: Buffer;
  /** Signs the checkpoints written outside the database. */
  checkpoint: Buffer;
  /** Names the chain key without revealing it; recorded in the marker entry. */
  chainKeyId: string;
}

/**
 * Derived from the audit root key (itself HKDF of SECRET_KEY, see FieldCipher.auditKey), which
 * lives outside the database: a database-only attacker holds neither key.
 */
export function deriveAuditKeys(auditRoot: Buffer): AuditKeys {
  const derive = (label: string) =>
    Buffer.from(hkdfSync('sha256', auditRoot, Buffer.alloc(0), `civitas/audit/${label}/v1`, 32));
  const chain = derive('chain');
  return {
    chain,
    checkpoint: derive('checkpoint'),
    chainKeyId: createHmac('sha256', chain).update('civitas/audit/key-id').digest('hex').slice(0, 16),
  };
}
