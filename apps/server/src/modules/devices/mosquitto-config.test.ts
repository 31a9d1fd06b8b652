import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mosquittoAcl, mosquittoPasswordHash } from './mosquitto-config.js';

describe('Mosquitto configuration', () => {
  it('hashes passwords in Mosquitto 2’s $7$ PBKDF2-SHA512 format', () => {
    const salt = Buffer.from('0123456789ab');
    const line = mosquittoPasswordHash('s3cret', salt);
    const [, seven, iterations, saltB64, hashB64] = line.split('$');
    expect(seven).toBe('7');
    expect(Number(iterations)).toBe(101);
    expect(Buffer.from(saltB64!, 'base64')).toEqual(salt);
    expect(Buffer.from(hashB64!, 'base64')).toEqual(pbkdf2Sync('s3cret', salt, 101, 64, 'sha512'));
    // A fresh salt each time.
    expect(mosquittoPasswordHash('s3cret')).not.toBe(mosquittoPasswordHash('s3cret'));
  });

  it('lets devices write only their own uplinks and read only their own downlinks', () => {
    const acl = mosquittoAcl('civitas').split('\n');
    const patterns = acl.filter((l) => l.startsWith('pattern '));
    expect(patterns.length).toBeGreaterThan(0);
    for (const l of patterns) expect(l, l).toMatch(/%u/);
    // No device may read an uplink or write a downlink (command) topic.
    for (const l of patterns.filter((p) => p.startsWith('pattern read ')))
      expect(l).toMatch(/rpc\/request|attributes\/response|attributes\/shared|\/cmd$/);
    for (const l of patterns.filter((p) => p.startsWith('pattern write ')))
      expect(l).not.toMatch(/rpc\/request|attributes\/response|attributes\/shared|\/cmd$/);
    expect(acl).toContain('user civitas');
    const rules = acl.filter((l) => l !== '' && !l.startsWith('#'));
    expect(rules.some((l) => l.startsWith('topic readwrite') || l.includes('#'))).toBe(false);
  });
});
