import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from './field-cipher.js';

const K1 = randomBytes(32);
const K2 = randomBytes(32);

/** A `v1.` value as written before key ids existed (same layout without the id). */
function legacyV1(cipher: FieldCipher, plain: string, aad: string): string {
  const v2 = cipher.encrypt(plain, aad);
  return `v1.${v2.split('.')[2]}`;
}

describe('FieldCipher keyring', () => {
  it('names the current key in every value and opens its own values', () => {
    const c = new FieldCipher(K1);
    const sealed = c.encrypt('13800138000', 'residents.phone');
    expect(sealed.startsWith(`v2.${c.fingerprint}.`)).toBe(true);
    expect(c.decrypt(sealed, 'residents.phone')).toBe('13800138000');
    expect(c.isCurrent(sealed)).toBe(true);
    expect(() => c.decrypt(sealed, 'residents.name')).toThrow();
  });

  it('reads values of a previous key and writes only under the current one', () => {
    const old = new FieldCipher(K1);
    const ring = new FieldCipher(K2, [K1]);
    const sealed = old.encrypt('张三', 'residents.name');
    expect(ring.decrypt(sealed, 'residents.name')).toBe('张三');
    expect(ring.isCurrent(sealed)).toBe(false);
    expect(ring.keyIdOf(sealed, 'residents.name')).toBe(old.fingerprint);
    const resealed = ring.encrypt('张三', 'residents.name');
    expect(resealed.startsWith(`v2.${ring.fingerprint}.`)).toBe(true);
    expect(ring.fingerprint).not.toBe(old.fingerprint);
    expect(ring.previousFingerprints).toEqual([old.fingerprint]);
  });

  it('refuses a value of a key it does not hold, naming the key', () => {
    const old = new FieldCipher(K1);
    const sealed = old.encrypt('x', 'a');
    expect(() => new FieldCipher(K2).decrypt(sealed, 'a')).toThrow(old.fingerprint);
  });

  it('opens v1 values with whichever ring key authenticates them', () => {
    const old = new FieldCipher(K1);
    const v1 = legacyV1(old, 'secret', 'devices.token');
    expect(v1.startsWith('v1.')).toBe(true);
    const ring = new FieldCipher(K2, [K1]);
    expect(ring.decrypt(v1, 'devices.token')).toBe('secret');
    expect(ring.keyIdOf(v1, 'devices.token')).toBe(old.fingerprint);
    expect(ring.isCurrent(v1)).toBe(false);
    expect(() => new FieldCipher(K2).decrypt(v1, 'devices.token')).toThrow();
    expect(new FieldCipher(K2).keyIdOf(v1, 'devices.token')).toBeNull();
  });

  it('computes blind indexes under the current key and, for lookups, under every key', () => {
    const old = new FieldCipher(K1);
    const ring = new FieldCipher(K2, [K1]);
    expect(ring.blindIndex('phone', '13800138000')).not.toBe(old.blindIndex('phone', '13800138000'));
    expect(ring.blindIndexes('phone', '13800138000')).toEqual([
      ring.blindIndex('phone', '13800138000'),
      old.blindIndex('phone', '13800138000'),
    ]);
    expect(new FieldCipher(K2).blindIndexes('phone', '1')).toHaveLength(1);
  });

  it('keeps one audit root per key and ignores a previous key equal to the current one', () => {
    const ring = new FieldCipher(K2, [K1, K2]);
    expect(ring.previousFingerprints).toHaveLength(1);
    expect(ring.auditKey.equals(new FieldCipher(K2).auditKey)).toBe(true);
    expect(ring.previousAuditKeys[0]!.equals(new FieldCipher(K1).auditKey)).toBe(true);
  });
});
