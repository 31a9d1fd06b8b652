import type { Logger } from 'pino';
import type { Config } from './config.js';
import { openAudit } from './platform/audit/open-audit.js';
import type { FieldCipher } from './platform/crypto/field-cipher.js';
import type { Database } from './platform/db/database.js';
import { AuditRepository } from './modules/audit/audit.repository.js';
import { AuthService } from './modules/identity/auth.service.js';
import { LoginThrottle } from './modules/identity/login-throttle.js';
import { IdentityRepository } from './modules/identity/identity.repository.js';
import { UsersService } from './modules/identity/users.service.js';
import { OrgsRepository } from './modules/orgs/orgs.repository.js';
import { OrgsService } from './modules/orgs/orgs.service.js';
import { BuildingsRepository } from './modules/registry/buildings.repository.js';
import { BuildingsService } from './modules/registry/buildings.service.js';
import { ImportJobsRepository } from './platform/jobs/import-jobs.repository.js';
import { ResidentImportService } from './modules/registry/resident-import.service.js';
import { ResidentsRepository } from './modules/registry/residents.repository.js';
import { ResidentsService } from './modules/registry/residents.service.js';
import { IdentifierSearchService } from './modules/registry/identifier-search.service.js';
import { ResidentDuplicatesService } from './modules/registry/resident-duplicates.service.js';
import { SettingsRepository } from './modules/system/settings.repository.js';
import { EventBus } from './platform/bus/event-bus.js';
import { DevicesRepository } from './modules/devices/devices.repository.js';
import { DevicesService } from './modules/devices/devices.service.js';
import { DeviceImportService } from './modules/devices/device-import.service.js';
import { createDeviceControl } from './modules/devices/device-control.js';
import { ProfilesRepository } from './modules/devices/profiles.repository.js';
import { ConnectivityMonitor } from './modules/telemetry/connectivity.js';
import { DeviceDirectory } from './modules/telemetry/device-directory.js';
import { IngestService } from './modules/telemetry/ingest.service.js';
import { LiveHub } from './modules/telemetry/live-hub.js';
import { MqttRouter } from './modules/telemetry/mqtt-router.js';
import { RetentionJob } from './modules/telemetry/retention.js';
import { TelemetryRepository } from './modules/telemetry/telemetry.repository.js';
import { TelemetryService } from './modules/telemetry/telemetry.service.js';
import { TelemetryWriter, writeLanesFor } from './modules/telemetry/telemetry-writer.js';
import { DeviceMapRepository } from './modules/telemetry/device-map.repository.js';
import { DeviceMapService } from './modules/telemetry/device-map.service.js';
import { createCaseCenter } from './modules/cases/case-center.js';
import { NotificationsRepository } from './modules/notifications/notifications.repository.js';
import { NotificationsService } from './modules/notifications/notifications.service.js';
import type { Clock } from './modules/cases/case-clock.js';
import { createOpen311 } from './modules/open311/open311-module.js';
import { CaseAssignees } from './modules/cases/desk/case-assignees.js';
import { CaseAttachmentsRepository } from './modules/cases/attachments/case-attachments.repository.js';
import { CaseAttachmentsService } from './modules/cases/attachments/case-attachments.service.js';
import { CaseContactRepository } from './modules/cases/desk/case-contact.repository.js';
import { CaseContacts } from './modules/cases/desk/case-contact.js';
import { withCaseTables } from './modules/cases/cases.tables.js';
import type { FileStore } from './platform/files/file-store.js';
import { LazyFileStore } from './platform/files/lazy-file-store.js';
import { openFileStore } from './platform/files/open-file-store.js';
import { OrphanFileSweep } from './platform/files/orphan-file-sweep.js';
import { MetricsRepository } from './modules/metrics/metrics.repository.js';
import { MetricsService } from './modules/metrics/metrics.service.js';
import { RateCounter } from './platform/rate-limit/rate-counter.js';

/**
 * The composition root: every repository and service, wired once. The HTTP server, the CLI and
 * the demo loader all work through this same object, so there is one way to do each thing.
 */
export function createServices(opts: {
  config: Config;
  database: Database;
  cipher: FieldCipher;
  logger: Logger;
  /** The case center's clock; tests pass a ManualClock to move deadlines. */
  clock?: Clock;
  /** Where attachments live; by default the store `FILE_STORE` names, opened on first use. */
  fileStore?: FileStore;
}) {
  const { db } = opts.database;
  const { config } = opts;
  // Keyed from SECRET_KEY, with signed checkpoints outside the database (ADR 0022).
  const { audit, auditCheckpoints } = openAudit(db, opts.cipher, config, opts.logger);
  // Limits that must hold across processes (identifier searches, sign-in failures) count here.
  const rateCounter = new RateCounter(db);
  const orgsRepo = new OrgsRepository(db);
  const identityRepo = new IdentityRepository(db);
  const orgs = new OrgsService(db, orgsRepo, audit);
  const loginThrottle = new LoginThrottle(rateCounter, audit, {
    maxFailures: config.LOGIN_MAX_FAILURES,
    sourceMaxFailures: config.LOGIN_SOURCE_MAX_FAILURES,
    accountMaxFailures: config.LOGIN_ACCOUNT_MAX_FAILURES,
  });
  const auth = new AuthService(identityRepo, audit, opts.cipher, loginThrottle, {
    sessionIdleMinutes: config.SESSION_IDLE_MINUTES,
    sessionMaxHours: config.SESSION_MAX_HOURS,
    requireAdminMfa: config.REQUIRE_ADMIN_MFA && !config.demo,
  });
  const users = new UsersService(db, identityRepo, orgs, audit);
  const importJobs = new ImportJobsRepository(db);
  const buildingsRepo = new BuildingsRepository(db);
  const residentsRepo = new ResidentsRepository(db);
  const residents = new ResidentsService(db, residentsRepo, buildingsRepo, orgs, opts.cipher, audit);
  const buildings = new BuildingsService(db, buildingsRepo, orgs, audit);
  const imports = new ResidentImportService(
    db,
    importJobs,
    residents,
    residentsRepo,
    buildingsRepo,
    orgs,
    opts.cipher,
    opts.logger.child({ area: 'import' }),
  );
  const bus = new EventBus(opts.logger.child({ area: 'bus' }));
  const profilesRepo = new ProfilesRepository(db);
  const devicesRepo = new DevicesRepository(db);
  const devices = new DevicesService(db, devicesRepo, profilesRepo, orgs, audit, bus, opts.cipher);
  // Commands, attributes and the downlink to devices (modules/devices/device-control.ts, ADR 0018).
  const control = createDeviceControl({
    db,
    config,
    devices,
    devicesRepo,
    audit,
    cipher: opts.cipher,
    logger: opts.logger,
  });
  const telemetryRepo = new TelemetryRepository(db);
  const writer = new TelemetryWriter(telemetryRepo, bus, opts.logger.child({ area: 'telemetry' }), {
    maxBuffered: config.TELEMETRY_BUFFER,
    batchSize: config.TELEMETRY_BATCH,
    lanes: writeLanesFor(opts.database.engine, config.TELEMETRY_WRITE_LANES, config.DATABASE_POOL_SIZE),
  });
  const directory = new DeviceDirectory(devices, bus);
  const ingest = new IngestService(writer, {
    maxFutureMs: config.TELEMETRY_MAX_FUTURE_SECONDS * 1000,
    ratePerSecond: config.DEVICE_RATE_LIMIT,
    rateBurst: config.DEVICE_RATE_BURST,
  });
  const router = new MqttRouter(directory, ingest, config.MQTT_MAX_PAYLOAD_BYTES, control.deviceControl);
  const caseCenter = createCaseCenter({
    db,
    orgs,
    notifications: new NotificationsService(new NotificationsRepository(db)),
    audit,
    bus,
    logger: opts.logger,
    reminderLeadPercent: config.CASE_REMINDER_LEAD_PERCENT,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const fileStore = opts.fileStore ?? new LazyFileStore(() => openFileStore(config));
  const caseDb = withCaseTables(db);
  const caseAttachmentsRepo = new CaseAttachmentsRepository(caseDb);
  const caseAttachments = new CaseAttachmentsService(
    caseDb,
    caseAttachmentsRepo,
    caseCenter.casesRepo,
    caseCenter.cases,
    caseCenter.caseEffects,
    fileStore,
    caseCenter.clock,
    { maxBytes: config.ATTACHMENT_MAX_BYTES },
  );
  const caseContacts = new CaseContacts(
    caseCenter.casesRepo,
    new CaseContactRepository(),
    opts.cipher,
    audit,
  );
  const caseAssignees = new CaseAssignees(caseCenter.cases, users);
  const open311 = createOpen311({
    db,
    orgs,
    audit,
    cipher: opts.cipher,
    cases: caseCenter.cases,
    caseConfig: caseCenter.caseConfig,
  });
  return {
    ...caseCenter,
    ...open311,
    ...control,
    fileStore,
    // Every module that keeps file keys in its rows is listed here, or its files count as orphans.
    fileSweep: new OrphanFileSweep(fileStore, [caseAttachmentsRepo], opts.logger.child({ area: 'jobs' })),
    caseAttachments,
    caseContacts,
    caseAssignees,
    database: opts.database,
    bus,
    profilesRepo,
    devicesRepo,
    devices,
    telemetryRepo,
    writer,
    directory,
    ingest,
    router,
    telemetry: new TelemetryService(telemetryRepo, devices),
    deviceMap: new DeviceMapService(new DeviceMapRepository(db), orgs),
    live: new LiveHub(bus),
    importJobs,
    deviceImports: new DeviceImportService(devices, importJobs, opts.logger.child({ area: 'import' })),
    connectivity: new ConnectivityMonitor(db, bus),
    retention: new RetentionJob(db, opts.logger.child({ area: 'jobs' })),
    cipher: opts.cipher,
    logger: opts.logger,
    rateCounter,
    audit,
    auditCheckpoints,
    auditRepo: new AuditRepository(db),
    orgsRepo,
    identityRepo,
    orgs,
    auth,
    users,
    buildingsRepo,
    residentsRepo,
    residents,
    identifierSearch: new IdentifierSearchService(residentsRepo, orgs, opts.cipher, audit, rateCounter, {
      limit: config.IDENTIFIER_SEARCH_LIMIT,
      windowMinutes: config.IDENTIFIER_SEARCH_WINDOW_MINUTES,
    }),
    residentDuplicates: new ResidentDuplicatesService(residentsRepo, orgs, audit),
    buildings,
    imports,
    settings: new SettingsRepository(db),
    metrics: new MetricsService(
      new MetricsRepository(db),
      caseCenter.cases,
      orgs,
      caseCenter.caseConfig,
      caseCenter.clock,
    ),
  };
}

export type Services = ReturnType<typeof createServices>;
