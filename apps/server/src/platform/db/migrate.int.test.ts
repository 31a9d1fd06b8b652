import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test-support/test-database.js';
import { loadMigrations, migrate, pendingMigrations } from './migrate.js';

describe('migrations', () => {
  it('apply from an empty database once, leave nothing pending, and refuse an edited migration', async () => {
    const { db } = await createTestDatabase(loadMigrations());
    expect(await pendingMigrations(db)).toEqual([]);
    expect(await migrate(db)).toEqual([]);
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'x' } : m));
    await expect(migrate(db, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('roll back a failing migration completely', async () => {
    const { db } = await createTestDatabase();
    const bad = [
      ...loadMigrations(),
      { version: '9999_bad', checksum: 'c', sql: 'CREATE TABLE half_done (id int); SELECT no_such_fn();' },
    ];
    await expect(migrate(db, bad)).rejects.toThrow();
    const t = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'`.execute(db);
    expect(t.rows[0]?.n).toBe(0);
    expect(await pendingMigrations(db, bad)).toEqual(['9999_bad']);
  });

  it('make the audit log append-only', async () => {
    const { db } = await createTestDatabase();
    await sql`INSERT INTO audit_log (seq, at, action, prev_hash, hash) VALUES (1, now(), 'x', 'a', 'b')`.execute(
      db,
    );
    await expect(sql`UPDATE audit_log SET action = 'y'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(db)).rejects.toThrow(/append-only/);
  });
});
