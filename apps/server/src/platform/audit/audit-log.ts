import type { AuditVerifyResult } from '@civitas/contracts/audit';
import type { Kysely, Transaction } from 'kysely';
import type { Grant, RequestContext } from '../auth/actor.js';
import type { DB } from '../db/schema.js';
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

/**
 * The one writer of the audit log. Writes are audited inside the writing transaction, so a change
 * and its audit row commit together. Reads of personal data go through `record`, which group-
 * commits: concurrent calls share one transaction, and each caller resumes only once its row is
 * durable, so no response reveals data before the look is logged.
 */
export class AuditLog {
  private queue: { ctx: RequestContext; input: AuditInput; done: (e?: unknown) => void }[] = [];
  private flushing = false;

  constructor(private readonly db: Kysely<DB>) {}

  /** Appends inside the caller's transaction. */
  async append(trx: Transaction<DB>, ctx: RequestContext, input: AuditInput): Promise<void> {
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
        await this.db.transaction().execute((trx) => this.appendMany(trx, batch));
        for (const b of batch) b.done();
      } catch (e) {
        for (const b of batch) b.done(e);
      }
    }
    this.flushing = false;
  }

  private async appendMany(
    trx: Executor,
    items: { ctx: RequestContext; input: AuditInput }[],
  ): Promise<void> {
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    let { seq, hash } = head;
    const rows = items.map(({ ctx, input }) => {
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
    await trx.insertInto('audit_log').values(rows).execute();
    await trx.updateTable('audit_head').set({ seq, hash }).where('id', '=', 1).execute();
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
