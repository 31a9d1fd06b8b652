import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimate } from './rate-counter.js';

const W = 60_000;

describe('sliding-window estimate', () => {
  it('weighs the previous window by how much of it still overlaps', () => {
    expect(estimate(3, 10, W / 2, W, 100).count).toBe(8);
    expect(estimate(3, 10, 0, W, 100).count).toBe(13);
    expect(estimate(3, 10, W - 1, W, 100).count).toBe(3);
  });

  it('allows up to the limit and refuses past it', () => {
    expect(estimate(5, 0, 0, W, 5)).toMatchObject({ allowed: true, retryAfterSeconds: 0 });
    expect(estimate(6, 0, 0, W, 5)).toMatchObject({ allowed: false });
  });

  it('retry-after is exactly long enough: the estimate is within the limit then, and not a second before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        // One minute, fifteen minutes and four hours: the windows sign-in throttling uses.
        fc.constantFrom(60_000, 900_000, 14_400_000),
        fc.integer({ min: 1, max: 20 }),
        (current, previous, fraction, W, limit) => {
          const elapsed = Math.floor(fraction * W);
          const r = estimate(current, previous, elapsed, W, limit);
          if (r.allowed) return;
          // Where will the estimate be after waiting retryAfterSeconds (no further hits)?
          const at = (waitMs: number) => {
            const t = elapsed + waitMs;
            if (t < W) return estimate(current, previous, t, W, limit);
            if (t < 2 * W) return estimate(0, current, t - W, W, limit);
            return estimate(0, 0, t - 2 * W, W, limit);
          };
          expect(at(r.retryAfterSeconds * 1000).allowed).toBe(true);
          if (r.retryAfterSeconds > 1) expect(at((r.retryAfterSeconds - 1) * 1000 - 1).allowed).toBe(false);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
