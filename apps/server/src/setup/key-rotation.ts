import { sql, type Kysely } from 'kysely';
import type { RequestContext } from '../platform/auth/actor.js';
import type { AuditLog } from '../platform/audit/audit-log.js';
import type { FieldCipher } from '../platform/crypto/field-cipher.js';
import type { DB } from '../platform/db/schema.js';
import { ROTATED_TABLES, type RotatedTable } from './key-rotation-columns.js';

type Row = Record<string, unknown>;

export interface RotationOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Called after each committed batch (progress output; tests throw here to kill a run). */
  onBatch?: (table: string, done: { scanned: number; rewritten: number }) => void;
}

export interface TableResult {
  table: string;
  scanned: number;
  rewritten: number;
  resumed: boolean;
}

/**
 * `civitas key rotate` (ADR 0042): re-encrypts every sealed value not under the current key and
 * recomputes every blind index, table by table in primary-key order, one transaction per batch.
 * The cursor commits with its batch in `key_rotation_progress`, so a killed run resumes after the
 * last committed batch. Servers keep running: they read either key and write the current one, the
 * batch's rows are locked while rewritten, and rows they add behind the cursor are already current.
 */
export async function rotateKeys(
  db: Kysely<DB>,
  cipher: FieldCipher,
  audit: AuditLog,
  ctx: RequestContext,
  opts: RotationOptions = {},
): Promise<TableResult[]> {
  const batchSize = opts.batchSize ?? 500;
  const target = cipher.fingerprint;
  const progress = await db.selectFrom('key_rotation_progress').selectAll().execute();
  const mine = progress.filter((p) => p.target_key === target);
  // A run that finished every table leaves nothing to resume: the next run starts over (it finds
  // what servers without the new key wrote since, if any).
  const allDone = ROTATED_TABLES.every((t) => mine.some((p) => p.table_name === t.table && p.finished_at));
  const resuming = !allDone && mine.some((p) => p.after_id !== null || p.finished_at !== null);
  await audit.record(ctx, {
    action: 'key.rotation_started',
    detail: { to: target, previous: cipher.previousFingerprints, resumed: resuming },
  });
  const results: TableResult[] = [];
  for (const t of ROTATED_TABLES) {
    const p = mine.find((x) => x.table_name === t.table);
    const start = !allDone && p ? p : null;
    if (start?.finished_at) {
      results.push({
        table: t.table,
        scanned: Number(start.scanned),
        rewritten: Number(start.rewritten),
        resumed: true,
      });
      continue;
    }
    const r = await walkTable(db, cipher, t, start, batchSize, opts.onBatch);
    results.push(r);
    await audit.record(ctx, {
      action: 'key.rotation_table',
      detail: { to: target, table: t.table, scanned: r.scanned, rewritten: r.rewritten, resumed: r.resumed },
    });
  }
  await audit.record(ctx, {
    action: 'key.rotation_finished',
    detail: {
      to: target,
      tables: Object.fromEntries(
        results.map((r) => [r.table, { scanned: r.scanned, rewritten: r.rewritten }]),
      ),
    },
  });
  return results;
}

async function walkTable(
  db: Kysely<DB>,
  cipher: FieldCipher,
  t: RotatedTable,
  from: { after_id: string | null; scanned: string | number; rewritten: string | number } | null,
  batchSize: number,
  onBatch: RotationOptions['onBatch'],
): Promise<TableResult> {
  let after = from?.after_id ?? null;
  let scanned = Number(from?.scanned ?? 0);
  let rewritten = Number(from?.rewritten ?? 0);
  const resumed = after !== null;
  await db
    .insertInto('key_rotation_progress')
    .values({ table_name: t.table, target_key: cipher.fingerprint, after_id: after, scanned, rewritten })
    .onConflict((oc) =>
      oc.column('table_name').doUpdateSet({
        target_key: cipher.fingerprint,
        after_id: after,
        scanned,
        rewritten,
        started_at: new Date(),
        finished_at: null,
      }),
    )
    .execute();
  const cols = [t.key, ...t.sealed.map((s) => s.column), ...t.indexes.map((i) => i.column)];
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const rows = (
        await sql<Row>`SELECT ${sql.join(cols.map((c) => sql.ref(c)))} FROM ${sql.table(t.table)}
          ${after === null ? sql`` : sql`WHERE ${sql.ref(t.key)} > ${after}`}
          ORDER BY ${sql.ref(t.key)} LIMIT ${batchSize} FOR UPDATE`.execute(trx)
      ).rows;
      let changed = 0;
      for (const row of rows) {
        const set = resealRow(cipher, t, row);
        if (set.length === 0) continue;
        await sql`UPDATE ${sql.table(t.table)} SET ${sql.join(
          set.map(([c, v]) => sql`${sql.ref(c)} = ${typeof v === 'string' ? v : textArray(v)}`),
        )} WHERE ${sql.ref(t.key)} = ${row[t.key]}`.execute(trx);
        changed++;
      }
      const last = rows[rows.length - 1];
      const next = last ? String(last[t.key]) : after;
      await trx
        .updateTable('key_rotation_progress')
        .set({
          after_id: next,
          scanned: scanned + rows.length,
          rewritten: rewritten + changed,
          ...(rows.length < batchSize ? { finished_at: new Date() } : {}),
        })
        .where('table_name', '=', t.table)
        .execute();
      return { n: rows.length, changed, next };
    });
    scanned += batch.n;
    rewritten += batch.changed;
    after = batch.next;
    onBatch?.(t.table, { scanned, rewritten });
    if (batch.n < batchSize) return { table: t.table, scanned, rewritten, resumed };
  }
}

/** A `text[]` value written the same way on both engines (an empty one needs its type). */
const textArray = (v: string[]) => (v.length === 0 ? sql`'{}'::text[]` : sql`ARRAY[${sql.join(v)}]::text[]`);

/** Whether a stored index (a digest or an array of them) equals the recomputed one. */
const sameIndex = (stored: unknown, want: string | string[]) =>
  typeof want === 'string'
    ? stored === want
    : Array.isArray(stored) && stored.length === want.length && stored.every((d, i) => d === want[i]);

/** The columns of one row to write: values not under the current key, indexes not matching. */
function resealRow(cipher: FieldCipher, t: RotatedTable, row: Row): [string, string | string[]][] {
  const set: [string, string | string[]][] = [];
  const plain = new Map<string, string>();
  for (const s of t.sealed) {
    const v = row[s.column];
    if (typeof v !== 'string') continue;
    let p: string;
    try {
      p = cipher.decrypt(v, s.aad(row));
    } catch (e) {
      throw new Error(
        `${t.table}.${s.column} of ${t.key} ${String(row[t.key])} does not open with SECRET_KEY or ` +
          `SECRET_KEY_PREVIOUS (${e instanceof Error ? e.message : 'unknown error'})`,
      );
    }
    plain.set(s.column, p);
    if (!cipher.isCurrent(v)) set.push([s.column, cipher.encrypt(p, s.aad(row))]);
  }
  for (const i of t.indexes) {
    const p = plain.get(i.from);
    if (p === undefined) continue;
    const want = i.index(cipher, p);
    if (!sameIndex(row[i.column], want)) set.push([i.column, want]);
  }
  return set;
}
