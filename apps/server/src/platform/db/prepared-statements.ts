import { createHash } from 'node:crypto';
import { sql, type CompiledQuery, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/**
 * Opt-in server-side prepared statements for the few statements every request runs. PostgreSQL
 * then parses and plans them once per connection instead of per call, which for a primary-key
 * lookup is most of its cost. Opt-in, not automatic: a generic plan suits lookups by key but can
 * be wrong for queries whose best plan depends on the values (a list over a large or a tiny
 * scope), and statements with variable text would pile up in every connection.
 */
export const PREPARED_MARK = '/* prepared */';

/** For Kysely's `modifyFront`; in raw SQL write PREPARED_MARK anywhere in the text. */
export const prepared = sql.raw(PREPARED_MARK);

const nameOf = (text: string) => `civitas_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;

/** A pool for Kysely's PostgresDialect that sends marked statements as named (prepared) ones. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = (text: unknown, parameters?: readonly unknown[]): unknown =>
      typeof text === 'string' && text.includes(PREPARED_MARK)
        ? client.query({ name: nameOf(text), text, values: [...(parameters ?? [])] })
        : client.query(text as string, parameters as unknown[]);
    return { query: query as PostgresPoolClient['query'], release: () => client.release() };
  };
  return {
    connect: async () => {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        w = wrap(client);
        wrapped.set(client, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
}

/** A query compiled once, run with new parameters: skips building and compiling it per call. */
export function withParameters<O>(query: CompiledQuery<O>, parameters: readonly unknown[]): CompiledQuery<O> {
  return { ...query, parameters };
}
