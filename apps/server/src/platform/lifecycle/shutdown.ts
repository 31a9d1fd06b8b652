import type { Logger } from 'pino';

/**
 * The steps of a graceful stop, run in order under one time bound (SHUTDOWN_TIMEOUT_SECONDS).
 * Past the bound the names of the steps still running are logged, so an operator sees what held
 * the process (an open stream, a stuck commit), and the caller exits non-zero (ADR 0038).
 */
export interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
}

export interface ShutdownResult {
  /** True when every step finished within the bound and none failed. */
  clean: boolean;
  /** Steps that had not finished when the bound passed. */
  open: string[];
  failed: string[];
}

export async function runShutdown(
  steps: readonly ShutdownStep[],
  timeoutMs: number,
  log: Logger,
): Promise<ShutdownResult> {
  const open = new Set<string>();
  const failed: string[] = [];
  const pending = new Set(steps.map((s) => s.name));
  const work = (async () => {
    for (const step of steps) {
      open.add(step.name);
      const started = Date.now();
      try {
        await step.run();
      } catch (e) {
        failed.push(step.name);
        log.error({ err: e, step: step.name }, 'shutdown step failed');
      }
      open.delete(step.name);
      pending.delete(step.name);
      log.debug({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = await Promise.race([
    work.then(() => false),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (timedOut) {
    log.error(
      { running: [...open], notStarted: [...pending].filter((n) => !open.has(n)), timeoutMs },
      'shutdown did not finish within SHUTDOWN_TIMEOUT_SECONDS',
    );
    return { clean: false, open: [...pending], failed };
  }
  return { clean: failed.length === 0, open: [], failed };
}
