import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { openDatabase, type Database } from '../platform/db/database.js';
import { loadMigrations, migrate, type Migration } from '../platform/db/migrate.js';

/** The PostgreSQL server the postgres test project runs against. */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh, migrated database for one test file on the engine the current vitest project names
 * (TEST_DB=pglite|postgres). On PostgreSQL each file gets its own database, dropped afterwards.
 * `migrations` stops at an earlier schema, for tests of a later migration's data changes.
 */
export async function createTestDatabase(migrations: Migration[] = loadMigrations()): Promise<Database> {
  if (process.env.TEST_DB === 'postgres') {
    const name = `civitas_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(testPostgresUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ engine: 'postgres', url: url.toString(), poolSize: 5 });
    await migrate(database.db, migrations);
    afterAll(async () => {
      await database.close();
      const c = new pg.Client({ connectionString: testPostgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    return database;
  }
  const database = await openDatabase({ engine: 'pglite', dataDir: null });
  await migrate(database.db, migrations);
  afterAll(async () => {
    await database.close();
  });
  return database;
}
