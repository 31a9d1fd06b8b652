import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/** The keys derived from one master key, named by its fingerprint. */
class KeyMaterial {
  readonly encKey: Buffer;
  readonly indexKey: Buffer;
  readonly auditKey: Buffer;
  /** Identifies the master key without revealing it (16 hex characters). */
  readonly id: string;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
    const derive = (label: string) =>
      Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), `civitas/${label}/v1`, 32));
    this.encKey = derive('field-encryption');
    this.indexKey = derive('blind-index');
    this.auditKey = derive('audit');
    this.id = createHmac('sha256', this.indexKey)
      .update('civitas/key-fingerprint')
      .digest('hex')
      .slice(0, 16);
  }
}

const V2 = /^v2\.([0-9a-f]{16})\./;

/**
 * Field-level encryption for personal data (ASVS 5.0 V11/V14): AES-256-GCM with a random
 * 96-bit IV per value, and an HMAC-SHA-256 "blind index" for exact lookup. Both keys are derived
 * from the master key with HKDF, so a leaked index key reveals nothing about the cipher key.
 *
 * A keyring (ADR 0042): the current key (SECRET_KEY) writes, previous keys (SECRET_KEY_PREVIOUS)
 * only read, so servers keep working while `civitas key rotate` re-encrypts the stored values.
 * Values name their key (`v2.<key id>.…`); `v1.` values predate key ids and are opened with
 * whichever key of the ring authenticates them (GCM's tag makes a wrong key fail, not misread).
 */
export class FieldCipher {
  private readonly current: KeyMaterial;
  private readonly previous: KeyMaterial[];
  private readonly byId = new Map<string, KeyMaterial>();

  constructor(masterKey: Buffer, previousKeys: readonly Buffer[] = []) {
    this.current = new KeyMaterial(masterKey);
    this.previous = previousKeys.map((k) => new KeyMaterial(k)).filter((k) => k.id !== this.current.id);
    for (const k of [this.current, ...this.previous]) this.byId.set(k.id, k);
  }

  /** Identifies the current master key; stored in the database to catch a wrong key. */
  get fingerprint(): string {
    return this.current.id;
  }

  /** Fingerprints of the previous keys, which still read but never write. */
  get previousFingerprints(): string[] {
    return this.previous.map((k) => k.id);
  }

  /** Root of the audit chain's HMAC and checkpoint keys (platform/audit/audit-keys.ts, ADR 0022). */
  get auditKey(): Buffer {
    return this.current.auditKey;
  }

  /** Audit roots of the previous keys, for archiving (ADR 0042). */
  get previousAuditKeys(): Buffer[] {
    return this.previous.map((k) => k.auditKey);
  }

  /** `v2.<key id>.` + base64url(iv ‖ tag ‖ ciphertext). `aad` binds the value to its column. */
  encrypt(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.encKey, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v2.${this.current.id}.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url')}`;
  }

  decrypt(sealed: string, aad: string): string {
    const v2 = V2.exec(sealed);
    if (v2) {
      const key = this.byId.get(v2[1]!);
      if (!key) throw new Error(`value encrypted with key ${v2[1]}, which is not in the keyring`);
      return open(key, sealed.slice(v2[0].length), aad);
    }
    if (!sealed.startsWith('v1.')) throw new Error('unknown ciphertext version');
    let failure: unknown;
    for (const key of [this.current, ...this.previous]) {
      try {
        return open(key, sealed.slice(3), aad);
      } catch (e) {
        failure = e;
      }
    }
    throw failure instanceof Error ? failure : new Error('cannot decrypt');
  }

  /**
   * The key id a value was written with; for `v1.` values, the ring key that opens it (null when
   * none does). Tells the rotation walk what is left to re-encrypt.
   */
  keyIdOf(sealed: string, aad: string): string | null {
    const v2 = V2.exec(sealed);
    if (v2) return v2[1]!;
    for (const key of [this.current, ...this.previous]) {
      try {
        open(key, sealed.slice(3), aad);
        return key.id;
      } catch {
        // try the next key
      }
    }
    return null;
  }

  /** Whether a value is already sealed in the current format under the current key. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.current.id}.`);
  }

  /** Keyed hash of a normalized value under the current key: what new rows store. */
  blindIndex(kind: string, normalized: string): string {
    return digest(this.current, kind, normalized);
  }

  /**
   * The value's index under every key of the ring, current first: lookups match rows indexed
   * before and after the rotation walk reached them.
   */
  blindIndexes(kind: string, normalized: string): string[] {
    return [this.current, ...this.previous].map((k) => digest(k, kind, normalized));
  }
}

function open(key: KeyMaterial, body: string, aad: string): string {
  const raw = Buffer.from(body, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key.encKey, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

const digest = (key: KeyMaterial, kind: string, normalized: string) =>
  createHmac('sha256', key.indexKey).update(`${kind}\u0000${normalized}`).digest('hex');
