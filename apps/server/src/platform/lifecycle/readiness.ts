/**
 * What /readyz reports: one check per dependency this process uses (database, MQTT broker, bus),
 * each registered by whoever opens that dependency. A process is ready only while every check
 * passes; liveness (/healthz) does not look here, so a dependency that drops makes the process
 * leave the load balancer without being restarted (ADR 0038).
 */
export type DependencyState = 'up' | 'down' | 'starting';

export interface ReadinessReport {
  ready: boolean;
  dependencies: Record<string, DependencyState>;
}

const CHECK_TIMEOUT_MS = 2_000;

export class Readiness {
  private readonly checks = new Map<string, () => DependencyState | Promise<DependencyState>>();

  /** Registers (or replaces) the check of `name`; `starting` until the dependency is reached. */
  set(name: string, check: () => DependencyState | Promise<DependencyState>): void {
    this.checks.set(name, check);
  }

  async report(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await bounded(check)] as const),
    );
    return {
      ready: entries.every(([, state]) => state === 'up'),
      dependencies: Object.fromEntries(entries),
    };
  }
}

/** A check that throws or hangs counts as down: a probe must answer within its own timeout. */
async function bounded(check: () => DependencyState | Promise<DependencyState>): Promise<DependencyState> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(check),
      new Promise<DependencyState>((r) => (timer = setTimeout(() => r('down'), CHECK_TIMEOUT_MS))),
    ]);
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
