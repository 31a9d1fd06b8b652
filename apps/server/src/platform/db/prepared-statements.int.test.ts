import { CompiledQuery, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test-support/test-database.js';
import type { Database } from './database.js';
import { PREPARED_MARK, withParameters } from './prepared-statements.js';

let database: Database;
beforeAll(async () => {
  database = await createTestDatabase();
});

describe('prepared statements', () => {
  it('prepare marked statements once per connection on PostgreSQL and leave others alone', async () => {
    const marked = CompiledQuery.raw(`SELECT ${PREPARED_MARK} $1::int + 1 AS n`, [0]);
    await database.db.connection().execute(async (conn) => {
      for (const i of [1, 2, 3]) {
        const r = await conn.executeQuery<{ n: number }>(withParameters(marked, [i]));
        expect(r.rows[0]?.n).toBe(i + 1);
      }
      expect((await sql<{ n: number }>`SELECT ${2}::int + 1 AS n`.execute(conn)).rows[0]?.n).toBe(3);
      if (database.engine !== 'postgres') return;
      const names = (
        await sql<{
          name: string;
          statement: string;
        }>`SELECT name, statement FROM pg_prepared_statements`.execute(conn)
      ).rows;
      expect(names.filter((s) => s.statement.includes(PREPARED_MARK))).toHaveLength(1);
      expect(names.every((s) => s.statement.includes(PREPARED_MARK))).toBe(true);
    });
  });
});
