import { describe, expect, it } from 'vitest';
import { loginSource } from './login-source.js';

describe('loginSource', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6', () => {
    expect(loginSource('203.0.113.7')).toBe('203.0.113.7');
    expect(loginSource('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts every address of one IPv6 /64 as one source', () => {
    const a = loginSource('2001:db8:1:2:aaaa:bbbb:cccc:dddd');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(loginSource('2001:0db8:0001:0002::1')).toBe(a);
    expect(loginSource('2001:db8:1:2::ffff:1')).toBe(a);
    expect(loginSource('2001:db8:1:3::1')).not.toBe(a);
    expect(loginSource('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(loginSource('::1')).toBe('0:0:0:0::/64');
    expect(loginSource('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
