import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../platform/db/database.js';
import { loadMigrations, migrate } from '../platform/db/migrate.js';
import { PGliteDialect } from '../platform/db/pglite-driver.js';
import type { DB } from '../platform/db/schema.js';

/** The PostgreSQL server the postgres test project runs against. */
export const testPostgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Names the schema the migrations produce: a changed or added migration makes a new template. */
export function migrationsFingerprint(): string {
  const h = createHash('sha256');
  for (const m of loadMigrations()) h.update(`${m.version}:${m.checksum}\n`);
  return h.digest('hex').slice(0, 16);
}

/**
 * A PGlite data directory with every migration applied, dumped to a tar file under the system's
 * temporary directory and kept there for later runs of the same migrations. Written to a
 * private name and renamed, so a concurrent run never reads half a file.
 */
export async function pgliteTemplate(): Promise<string> {
  const dir = path.join(os.tmpdir(), 'civitas-test-templates');
  const file = path.join(dir, `pglite-${migrationsFingerprint()}.tar`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  const client = await PGlite.create();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client, {}) });
  await migrate(db);
  const dump = await client.dumpDataDir('none');
  await db.destroy();
  await client.close();
  const partial = `${file}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(partial, file);
  return file;
}

/**
 * A migrated PostgreSQL database that test databases are created from with
 * `CREATE DATABASE … TEMPLATE`. Built under a private name and renamed into place, so a
 * concurrent run either finds the finished template or builds its own and discards it.
 */
export async function postgresTemplate(): Promise<string> {
  const name = `civitas_tpl_${migrationsFingerprint()}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return name;
    const building = `civitas_tplb_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${building}`);
    const url = new URL(testPostgresUrl);
    url.pathname = `/${building}`;
    const database = await openDatabase({ engine: 'postgres', url: url.toString(), poolSize: 1 });
    try {
      await migrate(database.db);
    } finally {
      await database.close();
    }
    try {
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (e) {
      // Another run finished the same template first: use theirs.
      await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      if ((e as { code?: string }).code !== '42P04') throw e;
    }
    return name;
  } finally {
    await admin.end();
  }
}
