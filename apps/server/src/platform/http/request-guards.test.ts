import { describe, expect, it } from 'vitest';
import { nulPaths } from './request-guards.js';

describe('NUL detection', () => {
  it('names every string and key holding U+0000, as validation paths', () => {
    expect(
      nulPaths('body', { a: 'x', b: ['ok', 'n\u0000'], c: { d: '\u0000' }, 'k\u0000': 1 }).sort(),
    ).toEqual(['body.b.1', 'body.c.d', 'body.k\\u0000']);
    expect(nulPaths('querystring', { q: 'plain', n: 3, t: true, z: null })).toEqual([]);
  });

  it('walks deep bodies without recursion and reports at most ten', () => {
    let deep: unknown = 'end\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nulPaths('body', deep)).toHaveLength(1);
    expect(
      nulPaths(
        'body',
        Array.from({ length: 50 }, () => '\u0000'),
      ),
    ).toHaveLength(10);
  });
});
