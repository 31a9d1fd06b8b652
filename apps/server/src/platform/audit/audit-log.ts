import type { AuditVerifyResult } from '@civitas/contracts/audit';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Grant, RequestContext } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
import { PREPARED_MARK, prepared } from '../db/prepared-statements.js';
import { chainHash, KEYED_MARKER_ACTION, REKEYED_MARKER_ACTION, type ChainedFields } from './audit-chain.js';
import type { CheckpointStore } from './audit-checkpoints.js';
import type { AuditKeys } from './audit-keys.js';
import { verifyChain } from './audit-verify.js';

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

const SYSTEM: RequestContext = { actor: null, requestId: 'audit-keying', ip: 'system' };

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
  // Whether the chain holds its keyed marker, and where; learned once under the head's lock.
  private markerKnown = false;
  private markerSeq: number | null = null;
  // The last head this process committed itself: the checkpoint job anchors it even if the
  // database later says otherwise.
  private committed: Head | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly keys: AuditKeys,
    /** Where signed checkpoints live; null where a process keeps none (some tests). */
    readonly checkpoints: CheckpointStore | null,
    /** Chain keys of earlier SECRET_KEYs, for verifying what they keyed (ADR 0042). */
    private readonly keyring: () => Promise<AuditKeys[]> = () => Promise.resolve([]),
  ) {}

  /** Appends inside the caller's transaction. */
  async append(trx: Transaction<DB>, ctx: RequestContext, input: AuditInput): Promise<void> {
    // The caller's transaction moves the head and may still roll back: forget the known head.
    this.head = null;
    const { markerAdded } = await this.appendMany(trx, [{ ctx, input }]);
    // The marker commits with the caller's transaction, or not at all: learn it again later.
    if (markerAdded) this.markerKnown = false;
  }

  /** Makes sure the chain carries its keyed marker (at start, before the first checkpoint). */
  async ensureKeyed(): Promise<void> {
    if (this.markerKnown) return;
    await this.db.transaction().execute((trx) => this.appendMany(trx, []));
    this.markerKnown = true;
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
          const { head } = await this.db.transaction().execute((trx) => this.appendMany(trx, batch));
          this.head = head;
          this.committed = head;
          this.markerKnown = true;
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
    const rows = chainRows(items, known, this.keys.chain);
    const next = rows.length > 0 ? rows[rows.length - 1]! : null;
    if (!next) return true;
    const written = await writeRows(this.db, rows, known, this.keys.chainKeyId);
    if (written !== rows.length) {
      this.head = null;
      return false;
    }
    this.head = { seq: next.seq, hash: next.hash };
    this.committed = this.head;
    return true;
  }

  /**
   * Appends under the head's row lock; returns the new head. The first time a process takes this
   * path it checks for the keyed marker and, when the chain has none, puts it before the batch
   * (under the lock, so two processes cannot both add one).
   */
  private async appendMany(trx: Executor, items: Item[]): Promise<{ head: Head; markerAdded: boolean }> {
    const head = await trx
      .selectFrom('audit_head')
      .modifyFront(prepared)
      .select(['seq', 'hash', 'key_id'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    let all = items;
    let markerAdded = false;
    let marked = this.markerKnown;
    if (!this.markerKnown) {
      const marker = await trx
        .selectFrom('audit_log')
        .select('seq')
        .where('action', '=', KEYED_MARKER_ACTION)
        .limit(1)
        .executeTakeFirst();
      if (!marker) {
        all = [{ ctx: SYSTEM, input: this.markerEntry() }, ...items];
        markerAdded = true;
      }
      this.markerSeq = marker ? Number(marker.seq) : head.seq + 1;
      marked = marker !== undefined;
    }
    // The head was keyed with another SECRET_KEY (a rotation, ADR 0042): say so in the chain
    // before the first row this key signs, so verification knows where the key changes.
    if (marked && head.key_id !== this.keys.chainKeyId) {
      all = [{ ctx: SYSTEM, input: this.rekeyEntry(head.key_id) }, ...all];
    }
    const rows = chainRows(all, head, this.keys.chain);
    const last = rows[rows.length - 1];
    if (!last) return { head, markerAdded };
    // Under the lock the head is the one just read: the statement always writes.
    if ((await writeRows(trx, rows, head, this.keys.chainKeyId)) !== rows.length)
      throw new Error('audit head moved while locked');
    return { head: { seq: last.seq, hash: last.hash }, markerAdded };
  }

  private markerEntry(): AuditInput {
    return {
      action: KEYED_MARKER_ACTION,
      detail: { algorithm: 'HMAC-SHA-256', keyId: this.keys.chainKeyId },
    };
  }

  private rekeyEntry(previousKeyId: string | null): AuditInput {
    return {
      action: REKEYED_MARKER_ACTION,
      detail: { algorithm: 'HMAC-SHA-256', keyId: this.keys.chainKeyId, previousKeyId },
    };
  }

  /** The head as the database holds it, with the marker's position, for checkpoints. */
  async currentHead(): Promise<{ seq: number; hash: string; keyedFrom: number | null }> {
    const head = await this.db.selectFrom('audit_head').select(['seq', 'hash']).executeTakeFirstOrThrow();
    const marker = await this.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', KEYED_MARKER_ACTION)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    // What this process learned itself outranks what the database says now.
    const keyedFrom = this.markerKnown ? this.markerSeq : marker ? Number(marker.seq) : null;
    return { seq: Number(head.seq), hash: head.hash, keyedFrom };
  }

  /** The last head this process committed on its own (null before its first append). */
  lastCommitted(): Head | null {
    return this.committed;
  }

  /** The hash the database now holds for entry `seq` (null when the row is gone). */
  async hashAt(seq: number): Promise<string | null> {
    const r = await this.db.selectFrom('audit_log').select('hash').where('seq', '=', seq).executeTakeFirst();
    return r?.hash ?? null;
  }

  /** Recomputes the chain with the key and checks it against the signed checkpoints. */
  async verify(): Promise<AuditVerifyResult> {
    return verifyChain(this.db, this.keys, this.checkpoints, await this.keyring());
  }
}

/**
 * One statement: move the head from `known` to the last row and insert the rows, or do nothing
 * when the head is no longer `known` (a concurrent update re-checks the condition after the other
 * writer's commit). Returns how many rows were written.
 */
async function writeRows(
  ex: Executor,
  rows: ReturnType<typeof chainRows>,
  known: Head,
  keyId: string,
): Promise<number> {
  const next = rows[rows.length - 1]!;
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const r = await sql`${sql.raw(PREPARED_MARK)}
    WITH head AS (
      UPDATE audit_head SET seq = ${next.seq}, hash = ${next.hash}, key_id = ${keyId}
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
function chainRows(items: Item[], head: Head, key: Buffer) {
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
    hash = chainHash(prev, f, key);
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
