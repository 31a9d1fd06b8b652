import { sql, type Kysely } from 'kysely';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../../test-support/test-database.js';
import type { DB } from '../db/schema.js';
import { JobScheduler, type JobDefinition, type JobSchedulerOptions } from './job-scheduler.js';

const log = pino({ level: 'silent' });
let db: Kysely<DB>;
const running: JobScheduler[] = [];

beforeAll(async () => {
  db = (await createTestDatabase()).db;
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

// Two schedulers on one database stand for two processes: all they share is the database.
function scheduler(holder: string, jobs: JobDefinition[], opts: JobSchedulerOptions = {}): JobScheduler {
  const s = new JobScheduler(db, log, { holder, pollMs: () => 20, ...opts });
  for (const j of jobs) s.register(j);
  running.push(s);
  return s;
}

const row = (name: string) =>
  db.selectFrom('job_schedule').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
const dbNow = async () => (await sql<{ now: Date }>`SELECT now() AS now`.execute(db)).rows[0]!.now.getTime();

describe('job scheduler', () => {
  it('runs a job in one process at a time, never before it is due, and counts every run', async () => {
    const name = 'test.one-at-a-time';
    let active = 0;
    let maxActive = 0;
    const starts: { holder: string | null; at: number }[] = [];
    const job = (): JobDefinition => ({
      name,
      everyMs: 200,
      runAtStart: true,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        const r = await row(name);
        starts.push({ holder: r.holder, at: r.last_started_at!.getTime() });
        await new Promise((res) => setTimeout(res, 30)); // the job's own work
        active--;
      },
    });
    await scheduler('process-a', [job()]).start();
    await scheduler('process-b', [job()]).start();
    await vi.waitFor(() => expect(starts.length).toBeGreaterThanOrEqual(6), {
      timeout: 20_000,
      interval: 50,
    });
    expect(maxActive).toBe(1);
    // The schedule is the database's: consecutive starts, by its clock, are an interval apart or more.
    for (let i = 1; i < starts.length; i++)
      expect(starts[i]!.at - starts[i - 1]!.at).toBeGreaterThanOrEqual(200);
    await Promise.all(running.splice(0).map((s) => s.stop()));
    const r = await row(name);
    expect(r.runs).toBe(starts.length);
    expect(r.last_outcome).toBe('ok');
    expect(r.lease_until).toBeNull();
  });

  it("waits out a dead process's lease, then takes the job over within one interval", async () => {
    const name = 'test.takeover';
    // What a process killed mid-run leaves behind: its lease, due to lapse, on an overdue job.
    await sql`INSERT INTO job_schedule (name, every_ms, holder, lease_until, last_started_at, runs)
      VALUES (${name}, 5000, 'killed-process', now() + interval '700 milliseconds', now() - interval '1 hour', 7)`.execute(
      db,
    );
    const leaseUntil = (await row(name)).lease_until!.getTime();
    const ranAt: number[] = [];
    await scheduler('survivor', [
      {
        name,
        everyMs: 5000,
        run: async () => {
          ranAt.push(await dbNow());
        },
      },
    ]).start();
    await vi.waitFor(() => expect(ranAt).toHaveLength(1), { timeout: 20_000, interval: 20 });
    expect(ranAt[0]).toBeGreaterThanOrEqual(leaseUntil);
    expect(ranAt[0]! - leaseUntil).toBeLessThan(5000);
    const r = await row(name);
    expect(r.holder).toBe('survivor');
    expect(r.runs).toBe(8);
  });

  it('records a failed run and keeps the job on its schedule', async () => {
    const name = 'test.failing';
    let calls = 0;
    await scheduler('p', [
      {
        name,
        everyMs: 100,
        runAtStart: true,
        run: () => {
          calls++;
          return Promise.reject(new Error('the disk is full'));
        },
      },
    ]).start();
    await vi.waitFor(() => expect(calls).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 20 });
    await Promise.all(running.splice(0).map((s) => s.stop()));
    const r = await row(name);
    expect(r.last_outcome).toBe('failed');
    expect(r.last_error).toBe('the disk is full');
  });

  it('aborts a run whose lease another process took, and hands its lease back when it stops', async () => {
    const name = 'test.abort';
    const aborted: string[] = [];
    let started = 0;
    const s = scheduler(
      'slow',
      [
        {
          name,
          everyMs: 60_000,
          runAtStart: true,
          run: (signal) =>
            new Promise<void>((resolve) => {
              started++;
              signal.addEventListener('abort', () => {
                aborted.push(String((signal.reason as Error).message));
                resolve();
              });
            }),
        },
      ],
      { leaseMs: () => 300 },
    );
    await s.start();
    await vi.waitFor(() => expect(started).toBe(1), { timeout: 20_000, interval: 20 });
    // Another process that saw the lease lapse (a stalled event loop, say) claimed the job.
    await sql`UPDATE job_schedule SET holder = 'other' WHERE name = ${name}`.execute(db);
    await vi.waitFor(() => expect(aborted).toEqual(['another process took the job over']), {
      timeout: 20_000,
      interval: 20,
    });
    // The release belongs to the holder: this process does not clear the other's lease.
    expect((await row(name)).holder).toBe('other');

    const name2 = 'test.stop';
    let started2 = 0;
    const t = scheduler('stopping', [
      {
        name: name2,
        everyMs: 60_000,
        runAtStart: true,
        run: (signal) =>
          new Promise<void>((_resolve, reject) => {
            started2++;
            signal.addEventListener('abort', () => reject(signal.reason as Error));
          }),
      },
    ]);
    await t.start();
    await vi.waitFor(() => expect(started2).toBe(1), { timeout: 20_000, interval: 20 });
    await t.stop();
    const r = await row(name2);
    expect(r.lease_until).toBeNull();
    expect(r.last_error).toBe('the process is stopping');
  });

  it('makes a new job due one interval after it is first registered, unless it runs at start', async () => {
    const ran: string[] = [];
    const s = scheduler('p', [
      { name: 'test.later', everyMs: 3_600_000, run: async () => void ran.push('later') },
      { name: 'test.now', everyMs: 3_600_000, runAtStart: true, run: async () => void ran.push('now') },
    ]);
    await s.start();
    await vi.waitFor(() => expect(ran).toEqual(['now']), { timeout: 20_000, interval: 20 });
    expect(await s.runIfDue('test.later')).toBe(false);
    expect(await s.runIfDue('test.now')).toBe(false);
    expect(ran).toEqual(['now']);
    expect(() => s.register({ name: 'test.late', everyMs: 1, run: async () => undefined })).toThrow(
      /after the scheduler started/,
    );
  });
});
