import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-driver.js';
import { preparingPool } from './prepared-statements.js';
import type { DB } from './schema.js';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly engine: Engine;
  /** A human-readable location for logs: the data directory or the host/db, never credentials. */
  readonly where: string;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Connections of the pool (PostgreSQL): open, idle, and callers waiting for one. */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
}

// Both engines return the same JS types: int8 as number (our counts and sequences stay far below
// 2^53), `date` as its 'YYYY-MM-DD' text so no time zone shifts a birth date.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;
const typeParsers: Record<number, (v: string) => unknown> = {
  [INT8]: (v) => Number(v),
  [DATE]: (v) => v,
  [NUMERIC]: (v) => Number(v),
};

export type DatabaseOptions =
  | {
      engine: 'pglite';
      dataDir: string | null;
      /** Start an in-memory database from a dumped data directory (the tests' migrated template). */
      loadDataDir?: Blob;
    }
  | {
      engine: 'postgres';
      url: string;
      poolSize: number;
      /** statement_timeout of every pooled connection, in ms; 0 turns it off (ADR 0019). */
      statementTimeoutMs?: number;
    };

/** Without a setting, no statement runs longer than the default request budget. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000;

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.engine === 'postgres')
    return openPostgres(opts.url, opts.poolSize, opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS);
  return openPglite(opts.dataDir, opts.loadDataDir);
}

async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<Database> {
  let dir: string | undefined;
  if (dataDir) {
    dir = path.join(dataDir, 'pgdata');
    fs.mkdirSync(dataDir, { recursive: true });
  }
  const client = await PGlite.create({
    ...(dir ? { dataDir: dir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client, typeParsers) });
  return {
    db,
    engine: 'pglite',
    where: dir ?? 'memory',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
      await client.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number, statementTimeoutMs: number): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    // Sent as a startup parameter, so it binds every statement on every connection from the first
    // one on, with no extra round trip: the server itself cancels a statement past the budget
    // (SQLSTATE 57014). Migrations lift it for their own transaction (migrate.ts).
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        typeParsers[oid] ??
        (pg.types.getTypeParser(oid, format) as unknown)) as typeof pg.types.getTypeParser,
    },
  });
  // A client losing its server must not crash the process: pg emits 'error' on idle clients
  // through the pool and on checked-out ones through the client itself. The failing query
  // rejects on its own, and the next checkout reconnects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
  const u = new URL(url);
  const database: Database = {
    db,
    engine: 'postgres',
    where: `${u.hostname}:${u.port || '5432'}${u.pathname}`,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: async () => {
      await db.destroy();
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: poolSize,
    }),
  };
  try {
    await database.ping();
  } catch (e) {
    // Not reached: release the pool, so a caller retrying (STARTUP_WAIT_SECONDS) leaks nothing.
    await db.destroy().catch(() => undefined);
    throw e;
  }
  return database;
}
