import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const PREFIX = 'civitas_';

/** A value read when Prometheus scrapes, for a counter kept elsewhere (the writer's statistics). */
export type Reading = () => number | Promise<number>;
/** Labelled values read at scrape time. */
export type LabelledReading<L extends string> = () =>
  Iterable<[Partial<Record<L, string>>, number]> | Promise<Iterable<[Partial<Record<L, string>>, number]>>;

/**
 * This process's Prometheus metrics (prom-client), one registry per process (tests build several
 * processes' worth in one). Platform parts record into the fixed metrics below; modules add
 * metrics whose values are read at scrape time from what they already count, so nothing on a hot
 * path pays for a metric it does not need. The exposition is served at `/api/metrics` by the
 * monitoring module (ADR 0039; the list is in docs/operations.md, Monitoring).
 */
export class Metrics {
  readonly registry = new Registry();
  private defaults = false;

  readonly httpDuration = new Histogram({
    name: `${PREFIX}http_request_duration_seconds`,
    help: 'HTTP requests by route pattern, method and status class, from receipt to the last byte sent',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly jobRuns = new Counter({
    name: `${PREFIX}job_runs_total`,
    help: 'Periodic job runs in this process, by job and outcome (ok or failed)',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: `${PREFIX}job_duration_seconds`,
    help: 'Duration of periodic job runs in this process',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.25, 1, 5, 30, 120, 600],
    registers: [this.registry],
  });

  /** A counter whose total is kept elsewhere and read at scrape time. */
  counterOf(name: string, help: string, read: Reading): void {
    new Counter({
      name: PREFIX + name,
      help,
      registers: [this.registry],
      async collect() {
        this.reset();
        this.inc(await read());
      },
    });
  }

  /** A labelled counter whose totals are kept elsewhere and read at scrape time. */
  labelledCounterOf<L extends string>(
    name: string,
    help: string,
    labels: L[],
    read: LabelledReading<L>,
  ): void {
    new Counter({
      name: PREFIX + name,
      help,
      labelNames: labels,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [l, v] of await read()) this.inc(l, v);
      },
    });
  }

  gaugeOf(name: string, help: string, read: Reading): void {
    new Gauge({
      name: PREFIX + name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await read());
      },
    });
  }

  labelledGaugeOf<L extends string>(name: string, help: string, labels: L[], read: LabelledReading<L>): void {
    new Gauge({
      name: PREFIX + name,
      help,
      labelNames: labels,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [l, v] of await read()) this.set(l, v);
      },
    });
  }

  /** A histogram the caller observes into (for durations measured as they happen). */
  histogram(name: string, help: string, buckets: number[]): Histogram {
    return new Histogram({ name: PREFIX + name, help, buckets, registers: [this.registry] });
  }

  /** The text exposition. Process metrics (CPU, memory, event loop lag) start with the first scrape. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    if (!this.defaults) {
      this.defaults = true;
      collectDefaultMetrics({ register: this.registry, prefix: PREFIX });
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
