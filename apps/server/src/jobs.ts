import type { Config } from './config.js';
import type { JobDefinition } from './platform/jobs/job-scheduler.js';
import type { Services } from './services.js';

const MINUTE = 60_000;

/**
 * Every periodic job of the platform, with its interval. The job scheduler
 * (platform/jobs/job-scheduler.ts, ADR 0023) runs each in one process of a cluster at a time, in
 * processes whose role includes `jobs`.
 */
export function platformJobs(config: Config, s: Services): JobDefinition[] {
  return [
    // Expired and idle sessions; authentication already ignores them.
    { name: 'identity.session-sweep', everyMs: 60 * MINUTE, run: () => s.auth.sweepSessions() },
    // Reminders before a case's deadline, escalation up the tree after it (cases/deadlines/case-deadlines.job.ts).
    {
      name: 'cases.deadlines',
      everyMs: config.CASE_DEADLINE_INTERVAL_SECONDS * 1000,
      run: () => s.caseDeadlines.run(),
    },
    // Stored files no attachment row points at, older than an hour (platform/files/orphan-file-sweep.ts).
    {
      name: 'files.orphan-sweep',
      everyMs: config.FILE_SWEEP_INTERVAL_MINUTES * MINUTE,
      runAtStart: true,
      run: () => s.fileSweep.run(),
    },
    // Signed checkpoints of the audit chain's head, outside the database (ADR 0022).
    {
      name: 'audit.checkpoint',
      everyMs: config.AUDIT_CHECKPOINT_INTERVAL_MINUTES * MINUTE,
      runAtStart: true,
      run: () => s.auditCheckpoints.run(),
    },
    // Device commands still open past their time become timed out (devices/device-commands.service.ts).
    { name: 'devices.command-expiry', everyMs: 5_000, run: () => s.deviceCommands.expire() },
    // Devices silent past their expected interval are marked inactive (telemetry/connectivity.ts).
    { name: 'telemetry.connectivity', everyMs: 10_000, run: () => s.connectivity.sweep() },
    // Readings, rollups and events past their retention (telemetry/retention.ts).
    { name: 'telemetry.retention', everyMs: 60 * MINUTE, runAtStart: true, run: () => s.retention.run() },
  ];
}
