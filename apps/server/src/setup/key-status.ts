import { sql, type Kysely } from 'kysely';
import type { FieldCipher } from '../platform/crypto/field-cipher.js';
import type { DB } from '../platform/db/schema.js';
import { RETIRED_KEYS } from '../platform/crypto/key-check.js';
import { SettingsStore } from '../platform/settings/settings-store.js';
import { ROTATED_TABLES } from './key-rotation-columns.js';

export interface ColumnStatus {
  column: string;
  /** Values per key id; `v1` counts values written before key ids (under whichever key then was). */
  byKey: Record<string, number>;
  /** Values not under the current key. */
  pending: number;
}

export interface KeyStatus {
  current: string;
  previous: string[];
  columns: ColumnStatus[];
  /** Tables the walk has finished for the current key (blind indexes are recomputed there). */
  walked: string[];
  /** True when no value needs a previous key: SECRET_KEY_PREVIOUS may be removed. */
  previousRemovable: boolean;
}

/** `civitas key status`: which key each sealed value is under, read from the value prefixes. */
export async function keyStatus(db: Kysely<DB>, cipher: FieldCipher): Promise<KeyStatus> {
  const columns: ColumnStatus[] = [];
  for (const t of ROTATED_TABLES) {
    for (const s of t.sealed) {
      const c = sql.ref(s.column);
      const rows = (
        await sql<{ k: string; n: string | number }>`SELECT
            CASE WHEN ${c} LIKE 'v2.%' THEN split_part(${c}, '.', 2) ELSE split_part(${c}, '.', 1) END AS k,
            count(*) AS n
          FROM ${sql.table(t.table)} WHERE ${c} IS NOT NULL GROUP BY 1 ORDER BY 1`.execute(db)
      ).rows;
      const byKey = Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
      const pending = rows.filter((r) => r.k !== cipher.fingerprint).reduce((a, r) => a + Number(r.n), 0);
      columns.push({ column: `${t.table}.${s.column}`, byKey, pending });
    }
  }
  const walked = (
    await db
      .selectFrom('key_rotation_progress')
      .select('table_name')
      .where('target_key', '=', cipher.fingerprint)
      .where('finished_at', 'is not', null)
      .execute()
  ).map((r) => r.table_name);
  // Blind indexes carry no key id: only a walk under the current key vouches for them, and only
  // where a rotation happened at all.
  const rotated = Boolean(await new SettingsStore(db).get(RETIRED_KEYS));
  const indexed = ROTATED_TABLES.filter((t) => t.indexes.length > 0).map((t) => t.table);
  return {
    current: cipher.fingerprint,
    previous: cipher.previousFingerprints,
    columns,
    walked,
    previousRemovable:
      columns.every((c) => c.pending === 0) && (!rotated || indexed.every((t) => walked.includes(t))),
  };
}
