import { beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { createTestDatabase } from '../../test-support/test-database.js';
import { RateCounter } from './rate-counter.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});

describe('RateCounter on the database', () => {
  it('counts hits per key across counter instances (as two processes would)', async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const a = new RateCounter(database.db, () => now);
    const b = new RateCounter(database.db, () => now);
    for (let i = 0; i < 3; i++) await a.hit('k1', 60, 5);
    const r = await b.hit('k1', 60, 5);
    expect(r).toMatchObject({ count: 4, allowed: true });
    await a.hit('k1', 60, 5);
    expect(await b.hit('k1', 60, 5)).toMatchObject({ count: 6, allowed: false });
    expect((await a.hit('other', 60, 5)).count).toBe(1);
    // Half a window later, half of the full window's weight remains.
    now += 90_000;
    expect((await a.peek('k1', 60, 5)).count).toBe(3);
  });

  it('concurrent hits are all counted', async () => {
    const c = new RateCounter(database.db);
    await Promise.all(Array.from({ length: 40 }, () => c.hit('burst', 3600, 1000)));
    expect((await c.peek('burst', 3600, 1000)).count).toBe(40);
  });

  it('reset forgets a key; sweep drops windows older than a day', async () => {
    let now = Date.UTC(2026, 0, 2);
    const c = new RateCounter(database.db, () => now);
    await c.hit('gone', 60, 5);
    await c.reset('gone');
    expect((await c.peek('gone', 60, 5)).count).toBe(0);
    await c.hit('old', 60, 5);
    now += 25 * 3600_000;
    await c.sweep();
    const left = await database.db
      .selectFrom('rate_counters')
      .select('key')
      .where('key', '=', 'old')
      .execute();
    expect(left).toEqual([]);
  });
});
