import type { AuditVerifyResult } from '@civitas/contracts/audit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Grant, RequestContext } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import { PREPARED_MARK, prepared } from '../db/prepared-statements.js';
import { chainHash, GENESIS_HASH, type ChainedFields } from './audit-chain.js';

export interface AuditInput {
  action: string;
  targetType?: string;
  targetId?: string;
  targetUnitId?: string | null;
  detail?: Record<string, unknown>;
  /** The grant that authorized the action; its role and unit are recorded. */
  grant?: Grant;
}

type Executor = Kysely<DB> | Transaction<DB>;
type Item = { ctx: RequestContext; input: AuditInput };
type Head = { seq: number; hash: string };

/**
 * The one writer of the audit log. Writes are audited inside the writing transaction, so a change
 * and its audit row commit together. Reads of personal data go through `record`, which group-
 * commits: concurrent calls share one transaction, and each caller resumes only once its row is
 * durable, so no response reveals data before the look is logged.
 */
export class AuditLog {
  private queue: { ctx: RequestContext; input: AuditInput; done: (e?: unknown) => void }[] = [];
  private flushing = false;
  // The head this process last wrote. A batch is appended in one statement that moves the head
  // only if it is still this one (compare-and-set); if another writer moved it, the batch takes
  // the locking path, which also learns the new head.
  private head: Head | null = null;

  constructor(private readonly db: Kysely<DB>) {}

  /** Appends inside the caller's transaction. */
  async append(trx: Transaction<DB>, ctx: RequestContext, input: AuditInput): Promise<void> {
    // The caller's transaction moves the head and may still roll back: forget the known head.
    this.head = null;
    await this.appendMany(trx, [{ ctx, input }]);
  }

  /** Appends in its own (shared) transaction; resolves when committed. */
  record(ctx: RequestContext, input: AuditInput): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        ctx,
        input,
        done: (e) => (e ? reject(e instanceof Error ? e : new Error('audit append failed')) : resolve()),
      });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, 500);
      try {
        if (!(await this.appendIfHead(batch))) {
          this.head = await this.db.transaction().execute((trx) => this.appendMany(trx, batch));
        }
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.done(e);
      }
    }
    this.flushing = false;
  }

  /**
   * One autocommitted statement: move the head from the known one and insert the rows, or do
   * nothing when another writer moved it first (the row lock makes a concurrent update re-check
   * the condition). Returns whether the rows were written.
   */
  private async appendIfHead(items: Item[]): Promise<boolean> {
    const known = this.head;
    if (!known) return false;
    const rows = chainRows(items, known);
    const next = rows.length > 0 ? rows[rows.length - 1]! : null;
    if (!next) return true;
    const written = await writeRows(this.db, rows, known);
    if (written !== rows.length) {
      this.head = null;
      return false;
    }
    this.head = { seq: next.seq, hash: next.hash };
    return true;
  }

  /** Appends under the head's row lock; returns the new head. */
  private async appendMany(trx: Executor, items: Item[]): Promise<Head> {
    const head = await trx
      .selectFrom('audit_head')
      .modifyFront(prepared)
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const rows = chainRows(items, head);
    const last = rows[rows.length - 1];
    if (!last) return head;
    // Under the lock the head is the one just read: the statement always writes.
    if ((await writeRows(trx, rows, head)) !== rows.length) throw new Error('audit head moved while locked');
    return { seq: last.seq, hash: last.hash };
  }

  /**
   * Walks the chain from the start, recomputing every hash. Detects an edited row (hash
   * mismatch), a removed row (gap in seq or broken link) and a truncated tail (head mismatch).
   */
  async verify(): Promise<AuditVerifyResult> {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    const pageSize = 5000;
    for (;;) {
      const rows = await this.db
        .selectFrom('audit_log')
        .selectAll()
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      for (const r of rows) {
        const bad = (reason: string): AuditVerifyResult => ({
          ok: false,
          checked,
          firstBadSeq: r.seq,
          reason,
        });
        if (r.seq !== expectedSeq)
          return { ok: false, checked, firstBadSeq: expectedSeq, reason: 'row missing' };
        if (r.prev_hash !== prev) return bad('link to the previous row is broken');
        const recomputed = chainHash(prev, {
          seq: r.seq,
          at: r.at,
          actorId: r.actor_id,
          actorName: r.actor_name,
          actorRole: r.actor_role,
          actorUnitId: r.actor_unit_id,
          action: r.action,
          targetType: r.target_type,
          targetId: r.target_id,
          targetUnitId: r.target_unit_id,
          requestId: r.request_id,
          ip: r.ip,
          detail: r.detail,
        });
        if (recomputed !== r.hash) return bad('row content does not match its hash');
        prev = r.hash;
        expectedSeq++;
        checked++;
      }
      if (rows.length < pageSize) break;
    }
    const head = await this.db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
    if (head.seq !== checked || head.hash !== prev) {
      return {
        ok: false,
        checked,
        firstBadSeq: checked + 1,
        reason: 'rows after the last verified one were removed',
      };
    }
    return { ok: true, checked, firstBadSeq: null, reason: null };
  }
}

/**
 * One statement: move the head from `known` to the last row and insert the rows, or do nothing
 * when the head is no longer `known` (a concurrent update re-checks the condition after the other
 * writer's commit). Returns how many rows were written.
 */
async function writeRows(ex: Executor, rows: ReturnType<typeof chainRows>, known: Head): Promise<number> {
  const next = rows[rows.length - 1]!;
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const r = await sql`${sql.raw(PREPARED_MARK)}
    WITH head AS (
      UPDATE audit_head SET seq = ${next.seq}, hash = ${next.hash}
      WHERE id = 1 AND seq = ${known.seq} AND hash = ${known.hash}
      RETURNING id
    )
    INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, actor_unit_id, action,
      target_type, target_id, target_unit_id, request_id, ip, detail, prev_hash, hash)
    SELECT * FROM unnest(${col('seq')}::bigint[], ${col('at')}::timestamptz[],
      ${col('actor_id')}::uuid[], ${col('actor_name')}::text[], ${col('actor_role')}::text[],
      ${col('actor_unit_id')}::uuid[], ${col('action')}::text[], ${col('target_type')}::text[],
      ${col('target_id')}::text[], ${col('target_unit_id')}::uuid[], ${col('request_id')}::text[],
      ${col('ip')}::text[], ${col('detail')}::jsonb[], ${col('prev_hash')}::text[], ${col('hash')}::text[])
    WHERE EXISTS (SELECT 1 FROM head)`.execute(ex);
  return Number(r.numAffectedRows ?? 0);
}

/** The rows that continue the chain after `head`, hashes linked in order. */
function chainRows(items: Item[], head: Head) {
  let { seq, hash } = head;
  return items.map(({ ctx, input }) => {
    const grant = input.grant ?? ctx.actor?.grants[0];
    const f: ChainedFields = {
      seq: ++seq,
      at: new Date(),
      actorId: ctx.actor?.userId ?? null,
      actorName: ctx.actor?.username ?? null,
      actorRole: grant?.role ?? null,
      actorUnitId: grant?.orgUnitId ?? null,
      action: input.action,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      targetUnitId: input.targetUnitId ?? null,
      requestId: ctx.requestId,
      ip: ctx.ip,
      detail: input.detail ?? {},
    };
    const prev = hash;
    hash = chainHash(prev, f);
    return {
      seq: f.seq,
      at: f.at,
      actor_id: f.actorId,
      actor_name: f.actorName,
      actor_role: f.actorRole,
      actor_unit_id: f.actorUnitId,
      action: f.action,
      target_type: f.targetType,
      target_id: f.targetId,
      target_unit_id: f.targetUnitId,
      request_id: f.requestId,
      ip: f.ip,
      detail: JSON.stringify(f.detail),
      prev_hash: prev,
      hash,
    };
  });
}
