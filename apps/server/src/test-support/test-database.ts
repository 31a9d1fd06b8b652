import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { openDatabase, type Database } from '../platform/db/database.js';
import { migrate, type Migration } from '../platform/db/migrate.js';
import { pgliteDump, testPostgresUrl } from './database-template.js';

export { testPostgresUrl };

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated template the integration projects clone (database-template.global-setup.ts). */
    databaseTemplate:
      { engine: 'pglite'; file: string; emptyFile: string } | { engine: 'postgres'; name: string } | null;
  }
}

/**
 * A fresh, migrated database for one test file on the engine the current vitest project names
 * (TEST_DB=pglite|postgres). It is cloned from the template the project's global setup migrated
 * once per run (a PostgreSQL TEMPLATE database, a dumped PGlite data directory), so no test pays
 * for initdb and twenty migrations. On PostgreSQL each file gets its own database, dropped afterwards.
 * Passing `migrations` migrates an empty database from scratch instead (on PGlite an empty cluster
 * loaded from the dump of a fresh initdb, database-template.ts): tests of a migration's
 * data changes stop at an earlier schema, and one test proves the full list applies from nothing.
 */
export interface TestDatabase extends Database {
  /** The connection URL on PostgreSQL (for a second connection, such as a LISTEN); null on PGlite. */
  readonly url: string | null;
}

export async function createTestDatabase(migrations?: Migration[]): Promise<TestDatabase> {
  const template = inject('databaseTemplate');
  if (process.env.TEST_DB === 'postgres') {
    const name = `civitas_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: testPostgresUrl });
    await admin.connect();
    const cloned = !migrations && template?.engine === 'postgres';
    await admin.query(
      cloned ? `CREATE DATABASE ${name} TEMPLATE ${template.name}` : `CREATE DATABASE ${name}`,
    );
    await admin.end();
    const url = new URL(testPostgresUrl);
    url.pathname = `/${name}`;
    const database = Object.assign(
      await openDatabase({ engine: 'postgres', url: url.toString(), poolSize: 5 }),
      { url: url.toString() },
    );
    if (!cloned) await migrate(database.db, migrations);
    afterAll(async () => {
      await database.close();
      const c = new pg.Client({ connectionString: testPostgresUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    return database;
  }
  // A migrated clone, or for a migration test an empty cluster: both loaded from a dump, since
  // initdb is the slow part of a new PGlite database.
  const dump = template?.engine === 'pglite' ? (migrations ? template.emptyFile : template.file) : null;
  const database = Object.assign(
    await openDatabase({
      engine: 'pglite',
      dataDir: null,
      ...(dump ? { loadDataDir: pgliteDump(dump) } : {}),
    }),
    { url: null },
  );
  if (migrations || !dump) await migrate(database.db, migrations);
  afterAll(async () => {
    await database.close();
  });
  return database;
}
