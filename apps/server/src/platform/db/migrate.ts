import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.js';

/** apps/server/migrations, reached the same way from src/ (tests) and dist/ (production). */
export const migrationsDir = fileURLToPath(new URL('../../../migrations/', import.meta.url));

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

export function loadMigrations(dir = migrationsDir): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(`${dir}/${f}`, 'utf8');
      return {
        version: f.replace(/\.sql$/, ''),
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    });
}

// Arbitrary constant: every Civitas process contends for the same advisory lock while migrating.
const MIGRATION_LOCK = 7_410_001;

/**
 * The database holds migrations this build does not know: a newer Civitas upgraded it. Running on
 * a schema it was not written for, old code could misread or corrupt data, so it stops at start
 * (ADR 0034). The message is one line, printed as is by the server and the CLI.
 */
export class SchemaAheadError extends Error {
  constructor(readonly unknown: string[]) {
    super(
      `the database schema is newer than this Civitas build: it holds ${unknown.length === 1 ? 'migration' : 'migrations'} ` +
        `${unknown.join(', ')}, which this version does not know. Run the Civitas version that applied ` +
        `${unknown.length === 1 ? 'it' : 'them'} (or a newer one), or restore the backup taken before the ` +
        `upgrade to go back to this version (docs/migrations.md).`,
    );
    this.name = 'SchemaAheadError';
  }
}

/**
 * Applies pending migrations in one transaction under an advisory lock, so several processes
 * starting at once migrate exactly once and a failing migration leaves nothing half-applied.
 * An applied migration whose file changed is refused: history is append-only. A database that
 * holds a migration this build does not know is refused too (SchemaAheadError).
 */
export async function migrate(db: Kysely<DB>, migrations = loadMigrations()): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    // A migration may rewrite a large table, and a second process waits here for the first one's
    // migrations: neither is bound by the pool's per-request statement_timeout (ADR 0019).
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    // The lock comes before everything else, the bookkeeping table's creation included: two
    // processes creating it at once on a fresh PostgreSQL database collide on the catalog's unique
    // index (pg_type_typname_nsp_index) even with IF NOT EXISTS (ADR 0034). On PGlite, a single
    // process, the lock is uncontended.
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
      trx,
    );
    const applied = await sql<{
      version: string;
      checksum: string;
    }>`SELECT version, checksum FROM schema_migrations`
      .execute(trx)
      .then((r) => new Map(r.rows.map((row) => [row.version, row.checksum])));
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied.keys()].filter((v) => !known.has(v)).sort();
    if (unknown.length > 0) throw new SchemaAheadError(unknown);
    const done: string[] = [];
    for (const m of migrations) {
      const prior = applied.get(m.version);
      if (prior !== undefined) {
        if (prior !== m.checksum) throw new Error(`migration ${m.version} was changed after it was applied`);
        continue;
      }
      await sql.raw(m.sql).execute(trx);
      await sql`INSERT INTO schema_migrations (version, checksum) VALUES (${m.version}, ${m.checksum})`.execute(
        trx,
      );
      done.push(m.version);
    }
    return done;
  });
}

/** Pending migrations, for /readyz: a process is not ready until its schema is current. */
export async function pendingMigrations(db: Kysely<DB>, migrations = loadMigrations()): Promise<string[]> {
  const rows = await sql<{ version: string }>`SELECT version FROM schema_migrations`
    .execute(db)
    .then((r) => r.rows)
    .catch(() => []);
  const applied = new Set(rows.map((r) => r.version));
  return migrations.filter((m) => !applied.has(m.version)).map((m) => m.version);
}
