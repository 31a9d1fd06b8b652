import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskIdNumber, maskName, maskPhone, normalizePhone } from './masking.js';

describe('masking', () => {
  it('keeps only what identifies nobody on its own', () => {
    expect(maskName('张伟')).toBe('张*');
    expect(maskName('欧阳明月')).toBe('欧**月');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskIdNumber('44030619900101123X')).toBe('440***********123X');
  });

  it('never returns the full value of a phone or ID number', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (p) => {
        expect(maskPhone(p)).not.toBe(p);
        expect(maskPhone(p)).toHaveLength(p.length);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        // The county and the birth date (characters 4-14) never show.
        expect(maskIdNumber(id).slice(3, 14)).toBe('*'.repeat(11));
      }),
    );
  });

  it('normalizes phone spellings to one form', () => {
    expect(normalizePhone('+86 138-0013-8000')).toBe('13800138000');
    expect(normalizePhone('138 0013 8000')).toBe('13800138000');
  });
});

describe('email mask', () => {
  it('keeps the first character of the local part and the domain', () => {
    expect(maskEmail('wang.fang@example.org')).toBe('w***@example.org');
    expect(maskEmail('李@例子.中国')).toBe('李***@例子.中国');
  });
});
