import type { JobDefinition } from './platform/jobs/job-scheduler.js';
import type { Services } from './services.js';

const MINUTE = 60_000;

/**
 * Every periodic job: the platform's own, then each module's as its manifest declares them. The
 * job scheduler (platform/jobs/job-scheduler.ts, ADR 0023) runs each in one process of a cluster
 * at a time, in processes whose role includes `jobs`.
 */
export function platformJobs(s: Services): JobDefinition[] {
  return [
    // Stored files no module's rows point at, older than an hour (platform/files/orphan-file-sweep.ts).
    {
      name: 'files.orphan-sweep',
      everyMs: s.config.FILE_SWEEP_INTERVAL_MINUTES * MINUTE,
      runAtStart: true,
      run: () => s.fileSweep.run(),
    },
    // Signed checkpoints of the audit chain's head, outside the database (ADR 0022).
    {
      name: 'audit.checkpoint',
      everyMs: s.config.AUDIT_CHECKPOINT_INTERVAL_MINUTES * MINUTE,
      runAtStart: true,
      run: () => s.auditCheckpoints.run(),
    },
    ...s.modules.flatMap((m) => m.jobs()),
  ];
}
