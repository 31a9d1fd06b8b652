import { afterEach, describe, expect, it, vi } from 'vitest';
import { Cache } from './cache.js';

afterEach(() => vi.useRealTimers());

describe('per-process cache', () => {
  it('serves an entry until its TTL has passed', () => {
    vi.useFakeTimers();
    const c = new Cache<string, number>({ ttlMs: 1_000, maxEntries: 10 });
    c.set('a', 1);
    vi.advanceTimersByTime(999);
    expect(c.get('a')).toBe(1);
    vi.advanceTimersByTime(1);
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('serves an entry only under the stamp it was stored with; a newer stamp retires everything', () => {
    const c = new Cache<string, string>({ ttlMs: Infinity, maxEntries: 10 });
    c.set('a', 'epoch 4', 4);
    c.set('b', 'epoch 4', 4);
    expect(c.get('a', 4)).toBe('epoch 4');
    expect(c.get('a', 5)).toBeUndefined();
    c.set('a', 'epoch 5', 5);
    expect(c.get('b', 4)).toBeUndefined();
    expect(c.size).toBe(1);
    // A reader that read epoch 4 and finishes late does not store over a newer epoch.
    c.set('b', 'late', 4);
    expect(c.get('b', 4)).toBeUndefined();
    expect(c.size).toBe(1);
  });

  it('with lagMs, serves an entry of an older stamp until it is that old', () => {
    vi.useFakeTimers();
    const c = new Cache<string, number>({ ttlMs: Infinity, lagMs: 10_000, maxEntries: 10 });
    c.set('total', 120, 7);
    vi.advanceTimersByTime(9_000);
    expect(c.get('total', 8)).toBe(120);
    vi.advanceTimersByTime(1_000);
    expect(c.get('total', 8)).toBeUndefined();
    c.set('total', 121, 8);
    vi.advanceTimersByTime(60_000);
    expect(c.get('total', 8)).toBe(121);
  });

  it('shares one load among concurrent callers, and does not keep a load a clear overtook', async () => {
    const c = new Cache<string, number>({ ttlMs: Infinity, maxEntries: 10 });
    let calls = 0;
    let release!: (n: number) => void;
    const slow = () => {
      calls++;
      return new Promise<number>((r) => (release = r));
    };
    const [p1, p2] = [c.load('k', slow), c.load('k', slow)];
    expect(calls).toBe(1);
    c.clear(); // a change lands while the read is on its way
    release(7);
    expect(await p1).toBe(7);
    expect(await p2).toBe(7);
    expect(c.get('k')).toBeUndefined();
    expect(await c.load('k', async () => 8)).toBe(8);
    expect(await c.load('k', async () => 9)).toBe(8);
  });

  it('does not keep a failed load', async () => {
    const c = new Cache<string, number>({ ttlMs: Infinity, maxEntries: 10 });
    await expect(c.load('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await c.load('k', async () => 1)).toBe(1);
  });

  it('bounds entries and weight', () => {
    const c = new Cache<string, string>({
      ttlMs: Infinity,
      maxEntries: 3,
      weigh: (v) => v.length,
      maxWeight: 10,
    });
    c.set('a', 'x');
    c.set('b', 'x');
    c.set('c', 'x');
    c.set('d', 'x');
    expect([c.get('a'), c.get('d')]).toEqual([undefined, 'x']);
    expect(c.size).toBe(3);
    c.set('e', 'x'.repeat(9)); // past the weight budget: the cache starts over
    expect(c.size).toBe(1);
    c.set('f', 'x'.repeat(11)); // larger than the whole budget: never kept
    expect(c.get('f')).toBeUndefined();
  });
});
