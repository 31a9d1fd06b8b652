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
 * Applies pending migrations in one transaction under an advisory lock, so several processes
 * starting at once migrate exactly once and a failing migration leaves nothing half-applied.
 * An applied migration whose file changed is refused: history is append-only.
 */
export async function migrate(db: Kysely<DB>, migrations = loadMigrations()): Promise<string[]> {
  await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(
    db,
  );
  return db.transaction().execute(async (trx) => {
    // A migration may rewrite a large table, and a second process waits here for the first one's
    // migrations: neither is bound by the pool's per-request statement_timeout (ADR 0019).
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    const applied = await sql<{
      version: string;
      checksum: string;
    }>`SELECT version, checksum FROM schema_migrations`
      .execute(trx)
      .then((r) => new Map(r.rows.map((row) => [row.version, row.checksum])));
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
