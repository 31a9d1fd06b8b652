import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openAudit } from './platform/audit/open-audit.js';
import type { FieldCipher } from './platform/crypto/field-cipher.js';
import type { Database } from './platform/db/database.js';
import { EventBus } from './platform/bus/event-bus.js';
import type { FileStore } from './platform/files/file-store.js';
import { LazyFileStore } from './platform/files/lazy-file-store.js';
import { openFileStore } from './platform/files/open-file-store.js';
import { OrphanFileSweep } from './platform/files/orphan-file-sweep.js';
import { ImportJobsRepository } from './platform/jobs/import-jobs.repository.js';
import { Composition, type ModuleHost } from './platform/module/module.js';
import { Metrics } from './platform/metrics/metrics.js';
import { monitoringModule } from './modules/monitoring/monitoring.module.js';
import { RateCounter } from './platform/rate-limit/rate-counter.js';
import { RouteRateLimits } from './platform/rate-limit/route-rate-limits.js';
import { SettingsStore } from './platform/settings/settings-store.js';
import { auditModule } from './modules/audit/audit.module.js';
import { casesModule } from './modules/cases/cases.module.js';
import { devicesModule } from './modules/devices/devices.module.js';
import { identityModule } from './modules/identity/identity.module.js';
import { ngsiLdModule } from './modules/interop/ngsi-ld/ngsi-ld.module.js';
import { homeModule } from './modules/home/home.module.js';
import { metricsModule } from './modules/metrics/metrics.module.js';
import { notificationsModule } from './modules/notifications/notifications.module.js';
import { open311Module } from './modules/open311/open311.module.js';
import { orgsModule } from './modules/orgs/orgs.module.js';
import { registryModule } from './modules/registry/registry.module.js';
import { systemModule } from './modules/system/system.module.js';
import { telemetryModule } from './modules/telemetry/telemetry.module.js';
import { Readiness } from './platform/lifecycle/readiness.js';

/**
 * The composition root (ADR 0030): the platform's shared machinery, then every module in an order
 * where each one's needs are provided by modules before it (checked when this compiles and again
 * at start). The HTTP server (app.ts), the job scheduler (jobs.ts), the MQTT doors (ingestion.ts),
 * the CLI and the demo loader all work through the object this returns, so there is one way to do
 * each thing. Modules' repositories and tables stay inside them.
 */
export function createServices(opts: {
  config: Config;
  database: Database;
  cipher: FieldCipher;
  logger: Logger;
  /** Time as the modules see it; tests pass a ManualClock to move deadlines. */
  clock?: { now(): Date };
  /** Where attachments live; by default the store `FILE_STORE` names, opened on first use. */
  fileStore?: FileStore;
}) {
  const { config, database, cipher, logger } = opts;
  const { db } = database;
  // Keyed from SECRET_KEY, with signed checkpoints outside the database (ADR 0022).
  const { audit, auditCheckpoints } = openAudit(db, cipher, config, logger);
  const host: ModuleHost = {
    config,
    database,
    db,
    cipher,
    logger,
    audit,
    bus: new EventBus(logger.child({ area: 'bus' })),
    readiness: new Readiness(),
    // Limits that must hold across processes (identifier searches, sign-in failures) count here.
    rateCounter: new RateCounter(db),
    fileStore: opts.fileStore ?? new LazyFileStore(() => openFileStore(config, db)),
    importJobs: new ImportJobsRepository(db),
    settings: new SettingsStore(db),
    clock: opts.clock ?? { now: () => new Date() },
    monitoring: new Metrics(),
  };
  const composition = Composition.start(host, { ...host, auditCheckpoints })
    .add(orgsModule)
    .add(identityModule)
    .add(auditModule)
    .add(notificationsModule)
    .add(registryModule)
    .add(devicesModule)
    .add(casesModule)
    .add(telemetryModule)
    .add(ngsiLdModule)
    .add(open311Module)
    .add(metricsModule)
    .add(homeModule)
    .add(systemModule)
    .add(monitoringModule);
  const { modules } = composition;
  return {
    ...composition.services,
    modules,
    // Routes' own limits (Open311, the sign-in route): the same counter, or Redis (ADR 0036).
    routeRateLimits: new RouteRateLimits(host.rateCounter, logger.child({ area: 'http' })),
    readiness: host.readiness,
    // Every module that keeps file keys in its rows declares them, or its files count as orphans.
    fileSweep: new OrphanFileSweep(
      host.fileStore,
      modules.flatMap((m) => m.fileReferences()),
      logger.child({ area: 'jobs' }),
    ),
  };
}

export type Services = ReturnType<typeof createServices>;
