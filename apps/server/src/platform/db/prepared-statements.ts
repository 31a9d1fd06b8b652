import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
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
    const stream = socketOf(client);
    const send = (text: unknown, parameters?: readonly unknown[]): unknown =>
      typeof text === 'string' && text.includes(PREPARED_MARK)
        ? client.query({ name: nameOf(text), text, values: [...(parameters ?? [])] })
        : client.query(text as string, parameters as unknown[]);
    // pg writes each message of the extended protocol (parse, bind, describe, execute, sync) to
    // the socket on its own: up to five system calls per statement, which profiles of case intake
    // showed as the largest single cost. Corked, the messages leave in one write on the next tick.
    const query = (text: unknown, parameters?: readonly unknown[]): unknown => {
      if (!stream) return send(text, parameters);
      stream.cork();
      try {
        return send(text, parameters);
      } finally {
        process.nextTick(() => stream.uncork());
      }
    };
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

/** The client's socket, where pg exposes it (`client.connection.stream`). */
function socketOf(client: pg.PoolClient): Writable | undefined {
  const stream = (client as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  return stream instanceof Writable ? stream : undefined;
}

/** A query compiled once, run with new parameters: skips building and compiling it per call. */
export function withParameters<O>(query: CompiledQuery<O>, parameters: readonly unknown[]): CompiledQuery<O> {
  return { ...query, parameters };
}
