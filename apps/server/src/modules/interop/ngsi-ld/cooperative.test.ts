import { describe, expect, it } from 'vitest';
import { filterInSlices } from './cooperative.js';

/** A predicate that costs about `ms` of CPU, as a heavy filter term would. */
const busy = (ms: number) => () => {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return true;
};

describe('filtering in time slices', () => {
  it('keeps what the predicate keeps, in order', async () => {
    expect(await filterInSlices([1, 2, 3, 4, 5, 6], (n) => n % 2 === 0)).toEqual([2, 4, 6]);
  });

  it('lets timers run while it works', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await filterInSlices(Array.from({ length: 100 }), busy(2));
    clearInterval(timer);
    // 200 ms of work in 10 ms slices: the loop was free between them (a blocking loop gives 0).
    expect(ticks).toBeGreaterThan(5);
  });

  it('stops at the first slice boundary after its request is aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('budget spent')), 30);
    let seen = 0;
    const work = filterInSlices(
      Array.from({ length: 1000 }),
      () => {
        seen++;
        return busy(2)();
      },
      controller.signal,
    );
    await expect(work).rejects.toThrow('budget spent');
    // 1000 items would take 2 s; it stopped within a few slices of the abort.
    expect(seen).toBeLessThan(100);
  });
});
