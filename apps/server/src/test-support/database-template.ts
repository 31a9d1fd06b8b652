import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
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

const templateDir = path.join(os.tmpdir(), 'civitas-test-templates');

/** Writes to a private name and renames, so a concurrent run never reads half a file. */
function writeAtomically(file: string, data: Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(partial, data);
  fs.renameSync(partial, file);
}

/** The PGlite build in use: an empty cluster depends on nothing else. */
function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string };
    if (pkg.name === '@electric-sql/pglite') return pkg.version;
  }
  throw new Error('cannot find the version of @electric-sql/pglite');
}

/**
 * A freshly initialised, empty PGlite cluster, dumped to a tar file under the system's temporary
 * directory and kept there for later runs of the same PGlite version. `PGlite.create()` without
 * a data directory runs initdb, which costs several seconds on an idle two-core machine and
 * minutes at load 20 (measured: 142 s against 25 s to load this dump, docs/benchmarks.md), so
 * databases that must start empty (migration tests) load this instead: the same files initdb
 * writes.
 */
export async function pgliteEmptyTemplate(): Promise<string> {
  const file = path.join(templateDir, `pglite-empty-${pgliteVersion()}.tar`);
  if (fs.existsSync(file)) return file;
  const client = await PGlite.create();
  const dump = await client.dumpDataDir('none');
  await client.close();
  writeAtomically(file, new Uint8Array(await dump.arrayBuffer()));
  return file;
}

/**
 * A PGlite data directory with every migration applied, dumped to a tar file under the system's
 * temporary directory and kept there for later runs of the same migrations.
 */
export async function pgliteTemplate(): Promise<string> {
  const file = path.join(templateDir, `pglite-${pgliteVersion()}-${migrationsFingerprint()}.tar`);
  if (fs.existsSync(file)) return file;
  const client = await PGlite.create({ loadDataDir: pgliteDump(await pgliteEmptyTemplate()) });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client, {}) });
  await migrate(db);
  const dump = await client.dumpDataDir('none');
  await db.destroy();
  await client.close();
  writeAtomically(file, new Uint8Array(await dump.arrayBuffer()));
  return file;
}

/** A dumped data directory, as PGlite's `loadDataDir` takes it. */
export function pgliteDump(file: string): Blob {
  return new Blob([fs.readFileSync(file)]);
}

/**
 * Unpacks a dumped PGlite data directory into `pgdata` (which must not hold a cluster yet), so a
 * server started on its DATA_DIR finds that database and skips initdb.
 */
export async function unpackPgliteTemplate(file: string, pgdata: string): Promise<void> {
  fs.mkdirSync(pgdata, { recursive: true });
  const client = await PGlite.create({ dataDir: pgdata, loadDataDir: pgliteDump(file) });
  await client.close();
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
