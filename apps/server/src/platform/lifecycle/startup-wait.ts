import type { Logger } from 'pino';

/**
 * A dependency (database, broker, bus) that could not be reached within STARTUP_WAIT_SECONDS.
 * Its message names the setting and the target, so the operator knows what to fix:
 * `cannot reach MQTT_URL mqtt://127.0.0.1:1884: connect ECONNREFUSED 127.0.0.1:1884`.
 */
export class DependencyError extends Error {
  constructor(
    readonly setting: string,
    readonly target: string,
    cause: unknown,
  ) {
    super(`cannot reach ${setting} ${target}: ${describe(cause)}`, { cause });
  }
}

export interface WaitOptions {
  /** STARTUP_WAIT_SECONDS: how long to keep trying; 0 fails at the first refusal. */
  waitSeconds: number;
  log: Logger;
  /** Aborted by SIGTERM/SIGINT: stop waiting at once. */
  signal?: AbortSignal | undefined;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * Calls `attempt` until it resolves, with doubling pauses (250 ms up to 5 s), for at most
 * `waitSeconds`. In a cluster started at once (systemd, compose, Kubernetes) the database or the
 * broker is often a few seconds behind; exiting at the first refusal would make every supervisor
 * restart loop do the waiting, with less clear logs (ADR 0038).
 */
export async function reach<T>(
  setting: string,
  target: string,
  attempt: () => Promise<T>,
  opts: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + opts.waitSeconds * 1000;
  let delay = FIRST_DELAY_MS;
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (e) {
      const left = deadline - Date.now();
      if (left <= 0 || opts.signal?.aborted) throw new DependencyError(setting, target, e);
      const pause = Math.min(delay, left);
      opts.log.warn(
        { setting, target, attempt: tries, retryInMs: pause, err: describe(e) },
        `cannot reach ${setting} yet; retrying (STARTUP_WAIT_SECONDS=${opts.waitSeconds})`,
      );
      await sleep(pause, opts.signal);
      if (opts.signal?.aborted) throw new DependencyError(setting, target, e);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}

/** A URL for logs and messages: credentials masked. */
export const shownUrl = (url: string) => url.replace(/\/\/[^@/]*@/g, '//***@');

function describe(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return describe(e.errors[0]);
  if (e instanceof Error) return e.message || (e as NodeJS.ErrnoException).code || e.name;
  return String(e);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
