import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import type { DB } from '../db/schema.js';

/** A periodic job, declared by the module that owns it. */
export interface JobDefinition {
  /** Unique and stable: `<module>.<job>`, the key of its row in job_schedule. */
  readonly name: string;
  /** Time from one run's start to the next one's, whichever process runs them. */
  readonly everyMs: number;
  /** Due as soon as a process starts (leftovers of a crash are likeliest right after a restart). */
  readonly runAtStart?: boolean;
  /** One run. `signal` aborts when the process stops or this process lost the job's lease. */
  run(signal: AbortSignal): Promise<unknown>;
}

export interface JobSchedulerOptions {
  /** Names this process in job_schedule.holder. Default: host, pid and a random suffix. */
  holder?: string;
  /** How long a run's lease lasts without renewal. Default: everyMs, within [5 s, 60 s]. */
  leaseMs?: (job: JobDefinition) => number;
  /** How often this process asks whether a job is due. Default: everyMs / 4, within [200 ms, 15 s]. */
  pollMs?: (job: JobDefinition) => number;
  /** Where runs are counted for /api/metrics. */
  metrics?: Metrics;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

interface Slot {
  job: JobDefinition;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  abort: AbortController | null;
}

/**
 * Runs every periodic job of the platform, safe with several processes (ADR 0023). The schedule
 * lives in the database: a process runs a job only after claiming it with one conditional
 * UPDATE (due, and no live lease), renews the lease while the run lasts, and releases it with the
 * outcome. So at most one process runs a given job at a time; a process that dies mid-run stops
 * renewing, its lease lapses, and the next process to poll runs the job once it is due again. A
 * process that dies between runs holds nothing: the job just stays due for the others. Every time
 * is the database's clock, so processes with skewed clocks still agree.
 */
export class JobScheduler {
  readonly holder: string;
  private readonly slots = new Map<string, Slot>();
  private started = false;
  private stopped = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly log: Logger,
    private readonly opts: JobSchedulerOptions = {},
  ) {
    this.holder = opts.holder ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  register(job: JobDefinition): void {
    if (this.started) throw new Error(`job ${job.name} registered after the scheduler started`);
    if (this.slots.has(job.name)) throw new Error(`job ${job.name} is registered twice`);
    if (!Number.isInteger(job.everyMs) || job.everyMs <= 0)
      throw new Error(`job ${job.name} needs a positive whole number of milliseconds`);
    this.slots.set(job.name, { job, timer: null, running: null, abort: null });
  }

  get jobs(): string[] {
    return [...this.slots.keys()];
  }

  /** Records each job's interval, makes run-at-start jobs due, and starts polling. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const { job } of this.slots.values()) {
      // A new job's first run is one interval away, as a timer's would be; a run-at-start job is
      // due now unless some process is running it.
      await sql`
        INSERT INTO job_schedule (name, every_ms, last_started_at)
        VALUES (${job.name}, ${job.everyMs}, ${job.runAtStart ? null : sql`now()`})
        ON CONFLICT (name) DO UPDATE SET every_ms = EXCLUDED.every_ms`.execute(this.db);
      if (job.runAtStart)
        await sql`
          UPDATE job_schedule SET last_started_at = NULL
          WHERE name = ${job.name} AND (lease_until IS NULL OR lease_until < now())`.execute(this.db);
    }
    for (const slot of this.slots.values()) this.schedule(slot, 0);
  }

  /**
   * Stops polling, aborts this process's runs and waits for them, then hands their leases back so
   * another process need not wait for them to lapse.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const slot of this.slots.values()) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.abort?.abort(new Error('the process is stopping'));
    }
    await Promise.all([...this.slots.values()].map((s) => s.running ?? Promise.resolve()));
  }

  /**
   * Claims `name` if it is due and unleased, and runs it here; resolves with whether it ran.
   * The timer calls this; tests and the CLI may too.
   */
  async runIfDue(name: string): Promise<boolean> {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no job named ${name}`);
    if (slot.running || this.stopped) return false;
    const leaseMs = this.leaseMs(slot.job);
    const claimed = await sql<{ name: string }>`
      UPDATE job_schedule
      SET holder = ${this.holder}, lease_until = now() + ${leaseMs} * interval '1 millisecond',
          last_started_at = now(), runs = runs + 1
      WHERE name = ${name}
        AND (lease_until IS NULL OR lease_until < now())
        AND (last_started_at IS NULL OR last_started_at + every_ms * interval '1 millisecond' <= now())
      RETURNING name`.execute(this.db);
    if (claimed.rows.length === 0) return false;
    const run = this.execute(slot, leaseMs);
    slot.running = run;
    await run;
    return true;
  }

  private async execute(slot: Slot, leaseMs: number): Promise<void> {
    const { job } = slot;
    const abort = new AbortController();
    slot.abort = abort;
    const renew = setInterval(
      () => {
        sql<{ name: string }>`
          UPDATE job_schedule SET lease_until = now() + ${leaseMs} * interval '1 millisecond'
          WHERE name = ${job.name} AND holder = ${this.holder}
          RETURNING name`
          .execute(this.db)
          .then((r) => {
            if (r.rows.length === 0) abort.abort(new Error('another process took the job over'));
          })
          .catch((e: unknown) => this.log.warn({ err: e, job: job.name }, 'job lease renewal failed'));
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renew.unref();
    const t0 = Date.now();
    let error: unknown = null;
    try {
      await job.run(abort.signal);
    } catch (e) {
      error = e;
    } finally {
      clearInterval(renew);
      slot.abort = null;
    }
    if (error) this.log.warn({ err: error, job: job.name }, 'job run failed');
    this.opts.metrics?.jobRuns.inc({ job: job.name, outcome: error === null ? 'ok' : 'failed' });
    this.opts.metrics?.jobDuration.observe({ job: job.name }, (Date.now() - t0) / 1000);
    const message =
      error === null
        ? null
        : error instanceof Error
          ? error.message
          : (JSON.stringify(error) ?? 'unknown error');
    await sql`
      UPDATE job_schedule
      SET lease_until = NULL, last_finished_at = now(), last_duration_ms = ${Date.now() - t0},
          last_outcome = ${error === null ? 'ok' : 'failed'}, last_error = ${message?.slice(0, 500) ?? null}
      WHERE name = ${job.name} AND holder = ${this.holder}`
      .execute(this.db)
      .catch((e: unknown) => this.log.warn({ err: e, job: job.name }, 'job release failed'));
    slot.running = null;
  }

  private schedule(slot: Slot, inMs: number): void {
    if (this.stopped) return;
    slot.timer = setTimeout(() => {
      slot.timer = null;
      this.runIfDue(slot.job.name)
        .catch((e: unknown) => this.log.warn({ err: e, job: slot.job.name }, 'job claim failed'))
        .finally(() => this.schedule(slot, this.pollMs(slot.job)));
    }, inMs);
    slot.timer.unref();
  }

  private leaseMs(job: JobDefinition): number {
    return Math.round(this.opts.leaseMs?.(job) ?? clamp(job.everyMs, 5_000, 60_000));
  }

  private pollMs(job: JobDefinition): number {
    return Math.round(this.opts.pollMs?.(job) ?? clamp(job.everyMs / 4, 200, 15_000));
  }
}
