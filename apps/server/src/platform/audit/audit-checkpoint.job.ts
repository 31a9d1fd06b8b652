import type { Logger } from 'pino';
import type { Checkpoint, CheckpointStore } from './audit-checkpoints.js';
import type { AuditLog } from './audit-log.js';

/**
 * Anchors the chain's head outside the database: at start (after making sure the chain is
 * keyed), every AUDIT_CHECKPOINT_INTERVAL_MINUTES when the head moved (the job scheduler runs it
 * in one process of a cluster), and at each process's shutdown. A
 * database-only attacker who later cuts the tail back or rewrites history cannot change these
 * lines, and cannot sign new ones.
 */
export class AuditCheckpointJob {
  private last: { seq: number; hash: string } | null = null;
  private running: Promise<Checkpoint | null> | null = null;

  constructor(
    private readonly audit: AuditLog,
    private readonly store: CheckpointStore,
    private readonly log: Logger,
  ) {}

  /** Writes a checkpoint when the head moved since this process's last one; returns it or null. */
  run(): Promise<Checkpoint | null> {
    // One run at a time: the scheduler and shutdown may meet.
    this.running ??= this.once().finally(() => (this.running = null));
    return this.running;
  }

  private async once(): Promise<Checkpoint | null> {
    await this.audit.ensureKeyed();
    const head = await this.audit.currentHead();
    let anchor = head;
    // This process knows what it wrote: a database that no longer holds it was tampered with.
    // Anchor the truth, so `audit verify` reports it, and say so in the log.
    const own = this.audit.lastCommitted();
    if (own && (own.seq > head.seq || (await this.audit.hashAt(own.seq)) !== own.hash)) {
      this.log.error(
        { ownSeq: own.seq, headSeq: head.seq },
        'audit chain no longer holds an entry this process wrote; run `civitas audit verify`',
      );
      anchor = { ...own, keyedFrom: head.keyedFrom };
    }
    if (this.last && this.last.seq === anchor.seq && this.last.hash === anchor.hash) return null;
    const cp = await this.store.write(anchor);
    this.last = { seq: anchor.seq, hash: anchor.hash };
    return cp;
  }

  /** Writes a last checkpoint, so a clean shutdown leaves the head this process wrote anchored. */
  async final(): Promise<void> {
    await this.run().catch((e: unknown) => this.log.warn({ err: e }, 'final audit checkpoint failed'));
  }
}
