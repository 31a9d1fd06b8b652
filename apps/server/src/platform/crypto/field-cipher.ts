import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Field-level encryption for personal data (ASVS 5.0 V11/V14): AES-256-GCM with a random
 * 96-bit IV per value, and an HMAC-SHA-256 "blind index" for exact lookup. Both keys are derived
 * from the one master key with HKDF, so a leaked index key reveals nothing about the cipher key.
 */
export class FieldCipher {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;
  /** Identifies the master key without revealing it; stored in the database to catch a wrong key. */
  readonly fingerprint: string;
  /** Root of the audit chain's HMAC and checkpoint keys (platform/audit/audit-keys.ts, ADR 0022). */
  readonly auditKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    this.encKey = Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'civitas/field-encryption/v1', 32),
    );
    this.indexKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'civitas/blind-index/v1', 32));
    this.auditKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'civitas/audit/v1', 32));
    this.fingerprint = createHmac('sha256', this.indexKey)
      .update('civitas/key-fingerprint')
      .digest('hex')
      .slice(0, 16);
  }

  /** `v1.` + base64url(iv ‖ tag ‖ ciphertext). `aad` binds the value to its column. */
  encrypt(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
  }

  decrypt(sealed: string, aad: string): string {
    if (!sealed.startsWith('v1.')) throw new Error('unknown ciphertext version');
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** Keyed hash of a normalized value, so equal inputs match without storing them in clear. */
  blindIndex(kind: string, normalized: string): string {
    return createHmac('sha256', this.indexKey).update(`${kind}\u0000${normalized}`).digest('hex');
  }
}
