import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, testPostgresUrl } from '../../test-support/test-database.js';
import { openDatabase } from './database.js';
import { loadMigrations, migrate, pendingMigrations, SchemaAheadError } from './migrate.js';

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

  it('refuse a database a newer build migrated, naming its unknown migrations, and apply nothing', async () => {
    const { db } = await createTestDatabase();
    await sql`INSERT INTO schema_migrations (version, checksum) VALUES ('9998_from_the_future', 'f'), ('9999_later_still', 'g')`.execute(
      db,
    );
    // This build's list plus one pending migration of its own: the refusal must come before it runs.
    const withPending = [
      ...loadMigrations(),
      { version: '0999_pending_here', checksum: 'p', sql: 'CREATE TABLE pending_here (id int)' },
    ];
    const refusal = await migrate(db, withPending).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refusal).toBeInstanceOf(SchemaAheadError);
    expect((refusal as SchemaAheadError).unknown).toEqual(['9998_from_the_future', '9999_later_still']);
    const message = (refusal as Error).message;
    expect(message).toContain('9998_from_the_future, 9999_later_still');
    expect(message).toMatch(/newer than this Civitas build/);
    expect(message).toMatch(/restore the backup taken before the upgrade/);
    expect(message).not.toContain('\n');
    const t = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'pending_here'`.execute(
      db,
    );
    expect(t.rows[0]?.n).toBe(0);
    expect(await pendingMigrations(db, withPending)).toEqual(['0999_pending_here']);
  });
});

/**
 * Several processes migrating one fresh PostgreSQL database at once: each pool here stands for a
 * process. Before the lock was taken ahead of creating schema_migrations, two of them could
 * collide creating it (pg_type_typname_nsp_index). PGlite has a single connection, so only here.
 */
describe.runIf(process.env.TEST_DB === 'postgres')('migrations from several processes at once', () => {
  it('migrate a fresh database exactly once, every time', async () => {
    const migrations = loadMigrations();
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    const waiting = async (name: string) =>
      (
        await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
          [name],
        )
      ).rows[0]?.n ?? 0;
    try {
      for (let round = 0; round < 2; round++) {
        const name = `civitas_t_${randomBytes(6).toString('hex')}`;
        await admin.query(`CREATE DATABASE ${name}`);
        const url = new URL(testPostgresUrl);
        url.pathname = `/${name}`;
        const pools = await Promise.all(
          [0, 1, 2, 3].map(() => openDatabase({ engine: 'postgres', url: url.toString(), poolSize: 1 })),
        );
        // A gate, so that the four reach the database together: a transaction dropping the public
        // schema holds up any statement creating a table there until it rolls back.
        const gate = new pg.Client({ connectionString: url.toString() });
        await gate.connect();
        try {
          await gate.query('BEGIN');
          await gate.query('DROP SCHEMA public');
          const running = Promise.allSettled(pools.map((p) => migrate(p.db, migrations)));
          const deadline = Date.now() + 20_000;
          while ((await waiting(name)) < 4 && Date.now() < deadline)
            await new Promise((r) => setTimeout(r, 20));
          expect(await waiting(name), 'all four waited at the gate').toBe(4);
          await gate.query('ROLLBACK');
          const outcomes = await running;
          expect(outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []))).toEqual([]);
          const applied = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.length : -1));
          // One of them applied every migration, the others found nothing left to do.
          expect(applied.sort((a, b) => a - b)).toEqual([0, 0, 0, migrations.length]);
          const rows = await sql<{
            n: number;
            stamps: number;
          }>`SELECT count(*)::int AS n, count(DISTINCT applied_at)::int AS stamps FROM schema_migrations`.execute(
            pools[0]!.db,
          );
          expect(rows.rows[0]).toEqual({ n: migrations.length, stamps: 1 });
        } finally {
          await gate.end();
          await Promise.all(pools.map((p) => p.close()));
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      }
    } finally {
      await admin.end();
    }
  });
});
