import { sql, type Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.js';
import { chainHash, GENESIS_HASH } from '../platform/audit/audit-chain.js';
import { rowFields } from '../platform/audit/audit-verify.js';

/**
 * What a database-only attacker can do: switch the append-only triggers off, change rows, and
 * re-hash the chain from `fromSeq` on with whatever key they have (null: plain SHA-256, as the
 * unkeyed chain was), moving the head to match. Tests use it to show what `verify` still catches.
 */
export async function asDatabaseAttacker(db: Kysely<DB>, change: (db: Kysely<DB>) => Promise<unknown>) {
  await sql`ALTER TABLE audit_log DISABLE TRIGGER USER`.execute(db);
  try {
    await change(db);
  } finally {
    await sql`ALTER TABLE audit_log ENABLE TRIGGER USER`.execute(db);
  }
}

export async function rehashFrom(db: Kysely<DB>, fromSeq: number, key: Buffer | null): Promise<void> {
  await asDatabaseAttacker(db, async () => {
    const before = await db
      .selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', fromSeq - 1)
      .executeTakeFirst();
    let prev = before?.hash ?? GENESIS_HASH;
    let last = fromSeq - 1;
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', fromSeq)
      .orderBy('seq')
      .execute();
    for (const r of rows) {
      const hash = chainHash(prev, rowFields(r), key);
      await db.updateTable('audit_log').set({ prev_hash: prev, hash }).where('seq', '=', r.seq).execute();
      prev = hash;
      last = r.seq;
    }
    await db.updateTable('audit_head').set({ seq: last, hash: prev }).where('id', '=', 1).execute();
  });
}
