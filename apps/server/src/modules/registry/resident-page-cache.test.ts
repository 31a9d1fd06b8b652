import { describe, expect, it } from 'vitest';
import { ResidentPageCache } from './resident-page-cache.js';

const page = (id: string, size = 10) => ({ ids: [id], itemsJson: `[${'x'.repeat(size)}]` });

describe('ResidentPageCache', () => {
  it('answers only for the epoch a page was built under', () => {
    const c = new ResidentPageCache();
    c.set('k', 5, page('a'));
    expect(c.get('k', 5)?.ids).toEqual(['a']);
    expect(c.get('k', 6)).toBeUndefined();
    expect(c.get('k', 4)).toBeUndefined();
    expect(c.get('other', 5)).toBeUndefined();
  });

  it('drops every page when a newer epoch arrives, and never keeps one built under an older epoch', () => {
    const c = new ResidentPageCache();
    c.set('k1', 5, page('a'));
    c.set('k2', 6, page('b'));
    expect(c.get('k1', 5)).toBeUndefined();
    expect(c.size).toBe(1);
    c.set('k1', 5, page('stale'));
    expect(c.get('k1', 5)).toBeUndefined();
    expect(c.get('k1', 6)).toBeUndefined();
    expect(c.get('k2', 6)?.ids).toEqual(['b']);
  });

  it('stays within its size bound', () => {
    const c = new ResidentPageCache();
    for (let i = 0; i < 40; i++) c.set(`k${i}`, 1, page(String(i), 1_000_000));
    expect(c.size).toBeLessThanOrEqual(16);
    expect(c.get('k39', 1)?.ids).toEqual(['39']);
  });
});
