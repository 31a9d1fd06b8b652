import { describe, expect, it } from 'vitest';
import { ResidentPageCache, type ResidentPage } from './resident-page-cache.js';

const page = (id: string, size = 10) => ({ ids: [id], itemsJson: `[${'x'.repeat(size)}]` });
/** A page is kept from its second offer on. */
const keep = (c: ResidentPageCache, key: string, epoch: number, p: ResidentPage) => {
  c.offer(key, epoch, p);
  c.offer(key, epoch, p);
};

describe('ResidentPageCache', () => {
  it('answers only for the epoch a page was built under', () => {
    const c = new ResidentPageCache();
    keep(c, 'k', 5, page('a'));
    expect(c.get('k', 5)?.ids).toEqual(['a']);
    expect(c.get('k', 6)).toBeUndefined();
    expect(c.get('k', 4)).toBeUndefined();
    expect(c.get('other', 5)).toBeUndefined();
  });

  it('drops every page when a newer epoch arrives, and never keeps one built under an older epoch', () => {
    const c = new ResidentPageCache();
    keep(c, 'k1', 5, page('a'));
    keep(c, 'k2', 6, page('b'));
    expect(c.get('k1', 5)).toBeUndefined();
    expect(c.size).toBe(1);
    keep(c, 'k1', 5, page('stale'));
    expect(c.get('k1', 5)).toBeUndefined();
    expect(c.get('k1', 6)).toBeUndefined();
    expect(c.get('k2', 6)?.ids).toEqual(['b']);
  });

  it('keeps a page only when it is asked for again soon', () => {
    const c = new ResidentPageCache();
    c.offer('k', 1, page('a'));
    expect(c.get('k', 1)).toBeUndefined();
    c.offer('k', 1, page('a'));
    expect(c.get('k', 1)?.ids).toEqual(['a']);
    // Going round more pages than it remembers, none is ever kept.
    for (let round = 0; round < 3; round++)
      for (let i = 0; i < 1000; i++) c.offer(`p${i}`, 1, page(String(i)));
    expect(c.size).toBe(1);
  });

  it('stays within its size bound', () => {
    const c = new ResidentPageCache();
    for (let i = 0; i < 40; i++) keep(c, `k${i}`, 1, page(String(i), 1_000_000));
    expect(c.size).toBeLessThanOrEqual(16);
    expect(c.get('k39', 1)?.ids).toEqual(['39']);
  });
});
