import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, scratchDatabase, startWorker, tempDir, type Running } from './support.js';

/**
 * Two `--role=jobs` processes on one PostgreSQL database (ADR 0023): each job runs in one of them
 * at a time, and when the one running them is killed with SIGKILL the other takes its jobs over
 * within one interval.
 */
const INTERVAL_MS = 5_000; // CASE_DEADLINE_INTERVAL_SECONDS=5, the smallest it accepts
const POLL_MS = INTERVAL_MS / 4; // how often a process asks whether a job is due
let db: pg.Client;
let scratch: { url: string; drop: () => Promise<void> };
const procs: Running[] = [];

interface JobRow {
  name: string;
  holder: string | null;
  last_started_at: Date | null;
  runs: number;
}

const jobs = async () =>
  (
    await db.query<JobRow>(
      'SELECT name, holder, last_started_at, runs::int AS runs FROM job_schedule ORDER BY name',
    )
  ).rows;
const job = async (name: string) => (await jobs()).find((j) => j.name === name);
const pidOf = (holder: string | null) => Number(holder?.split(':')[1]);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  scratch = await scratchDatabase('civitas_jobs');
  const env = {
    DATABASE_URL: scratch.url,
    SECRET_KEY: randomBytes(32).toString('hex'),
    CASE_DEADLINE_INTERVAL_SECONDS: String(INTERVAL_MS / 1000),
  };
  // One after the other: the first migrates, the second finds the schema.
  procs.push(await startWorker(childEnv({ ...env, DATA_DIR: tempDir('jobsA') }), 'jobs'));
  procs.push(await startWorker(childEnv({ ...env, DATA_DIR: tempDir('jobsB') }), 'jobs'));
  db = new pg.Client({ connectionString: scratch.url });
  await db.connect();
}, 240_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await db?.end();
  await scratch?.drop();
});

describe('periodic jobs across processes', () => {
  it('records every job of the platform once, whichever processes declared it', async () => {
    expect((await jobs()).map((j) => j.name)).toEqual([
      'audit.checkpoint',
      'cases.deadlines',
      'devices.command-expiry',
      'devices.import-token-expiry',
      'files.orphan-sweep',
      'identity.session-sweep',
      'registry.name-index-backfill',
      'telemetry.connectivity',
      'telemetry.retention',
    ]);
  });

  it('a job killed with its process is taken over by the other within one interval', async () => {
    const pids = procs.map((p) => p.child.pid!);
    const first = await until('a first deadline run', async () => {
      const j = await job('cases.deadlines');
      return j && j.runs >= 1 && pids.includes(pidOf(j.holder)) ? j : false;
    });
    const victim = procs.find((p) => p.child.pid === pidOf(first.holder))!;
    const survivor = procs.find((p) => p !== victim)!;
    const exited = new Promise((r) => victim.child.once('exit', r));
    victim.child.kill('SIGKILL');
    await exited;
    const killedAt = (await db.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now.getTime();

    const next = await until('the survivor to run the deadline job', async () => {
      const j = await job('cases.deadlines');
      return j && j.last_started_at && j.last_started_at.getTime() > killedAt ? j : false;
    });
    expect(pidOf(next.holder)).toBe(survivor.child.pid);
    // Due at most one interval after the victim's last run started; the survivor asks every POLL_MS.
    expect(next.last_started_at!.getTime() - killedAt).toBeLessThanOrEqual(INTERVAL_MS + POLL_MS + 1_000);
    // The other short jobs move to the survivor too.
    await until('command expiry to move', async () => {
      const j = await job('devices.command-expiry');
      return j && j.last_started_at!.getTime() > killedAt && pidOf(j.holder) === survivor.child.pid;
    });
    expect(survivor.child.exitCode).toBeNull();
  });
});
