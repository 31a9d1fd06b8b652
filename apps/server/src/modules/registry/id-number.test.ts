import { describe, expect, it } from 'vitest';
import { idNumberCheckChar, idNumberProblem } from './id-number.js';

describe('resident ID numbers (GB 11643)', () => {
  it('accepts a number with the right check character', () => {
    const first17 = '44030619900307123';
    expect(idNumberProblem(first17 + idNumberCheckChar(first17))).toBeNull();
  });
  it('names what is wrong', () => {
    expect(idNumberProblem('440306199003071230'.replace(/.$/, 'Y'))).toMatch(/17 digits/);
    expect(idNumberProblem('440306199002301234')).toMatch(/impossible birth date/);
    const first17 = '44030619900307123';
    const wrong = idNumberCheckChar(first17) === '0' ? '1' : '0';
    expect(idNumberProblem(first17 + wrong)).toMatch(/check character/);
  });
});
