import type { CaseService } from '../cases/cases.service.js';
import type { LiveHub } from '../telemetry/live-hub.js';
import type { TelemetryWriter } from '../telemetry/telemetry-writer.js';
import { Cache } from '../../platform/cache/cache.js';
import { defineModule } from '../../platform/module/module.js';
import { registerMonitoringRoutes } from './monitoring.routes.js';

/** The case backlog is one GROUP BY over every case: read at most this often, whatever the scrape rate. */
const BACKLOG_TTL_MS = 15_000;

/**
 * Prometheus metrics at /api/metrics: the platform's own (HTTP, jobs, process) plus what the modules
 * already count, read when scraped (telemetry writer, live connections, case backlog, pool).
 */
export const monitoringModule = defineModule<{
  writer: TelemetryWriter;
  live: LiveHub;
  cases: CaseService;
}>()({
  name: 'monitoring',
  needs: { writer: true, live: true, cases: true },
  tables: [],
  publishes: [],
  subscribes: [],
  create: (host, n) => {
    const m = host.monitoring;
    const w = n.writer;
    m.counterOf('telemetry_readings_stored_total', 'Readings stored by this process', () => w.stats.written);
    m.counterOf(
      'telemetry_duplicates_total',
      'Readings this process received again and skipped (redeliveries)',
      () => w.stats.duplicates,
    );
    m.labelledCounterOf(
      'telemetry_rejected_total',
      'Readings and events refused before the store, by reason (counted against their device)',
      ['reason'],
      () => [...w.stats.rejected].map(([reason, n]) => [{ reason }, n] as const),
    );
    m.counterOf(
      'telemetry_commit_retries_total',
      'Group commits retried (database unreachable)',
      () => w.stats.retries,
    );
    m.gaugeOf(
      'telemetry_write_buffered',
      'Readings waiting in memory for their commit',
      () => w.bufferedReadings,
    );
    m.gaugeOf(
      'telemetry_commits_in_flight',
      'Group commits sent and not yet durable',
      () => w.commitsInFlight,
    );
    const commit = m.histogram(
      'telemetry_commit_duration_seconds',
      'Group commit duration in this process, statement and flush',
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    );
    w.onCommit((seconds) => commit.observe(seconds));
    m.gaugeOf(
      'live_clients',
      'Live (server-sent events) connections open in this process',
      () => n.live.listenerCount,
    );
    const backlog = new Cache<0, { state: string; n: number }[]>({ ttlMs: BACKLOG_TTL_MS, maxEntries: 1 });
    m.labelledGaugeOf(
      'cases',
      'Cases by state over the installation (read at most every 15 s)',
      ['state'],
      async () =>
        (await backlog.load(0, () => n.cases.countByState())).map(
          (r) => [{ state: r.state }, Number(r.n)] as const,
        ),
    );
    const pool = host.database.poolStats?.bind(host.database);
    if (pool)
      m.labelledGaugeOf('db_pool_connections', 'Database pool connections of this process', ['state'], () => {
        const p = pool();
        return [
          [{ state: 'open' }, p.total],
          [{ state: 'idle' }, p.idle],
          [{ state: 'waiting' }, p.waiting],
          [{ state: 'max' }, p.max],
        ];
      });
    return {};
  },
  routes: (app, _s, host) =>
    registerMonitoringRoutes(app, host.monitoring, host.config.METRICS_TOKEN ?? null),
});
