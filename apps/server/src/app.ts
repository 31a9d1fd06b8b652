import { defaultWebRoot, createHttpServer, type App } from './platform/http/http-server.js';
import { registerAuditRoutes } from './modules/audit/audit.routes.js';
import { registerAuthRoutes } from './modules/identity/auth.routes.js';
import { registerUserRoutes } from './modules/identity/users.routes.js';
import { registerOrgRoutes } from './modules/orgs/orgs.routes.js';
import { registerRegistryRoutes } from './modules/registry/registry.routes.js';
import { registerDeviceRoutes } from './modules/devices/devices.routes.js';
import { registerDeviceControlRoutes } from './modules/devices/device-control.routes.js';
import { registerImportJobRoutes } from './platform/jobs/import-jobs.routes.js';
import { registerHttpIngestRoutes } from './modules/telemetry/doors/http-ingest.routes.js';
import { registerLiveRoutes } from './modules/telemetry/live.routes.js';
import { registerTelemetryRoutes } from './modules/telemetry/telemetry.routes.js';
import { registerDeviceMapRoutes } from './modules/telemetry/device-map.routes.js';
import { registerSystemRoutes } from './modules/system/system.routes.js';
import { registerNgsiLdRoutes } from './modules/interop/ngsi-ld/ngsi-ld.routes.js';
import { registerCaseRoutes } from './modules/cases/cases.routes.js';
import { registerCaseConfigRoutes } from './modules/cases/config/case-config.routes.js';
import { registerCaseAttachmentRoutes } from './modules/cases/attachments/case-attachments.routes.js';
import { registerCaseDeskRoutes } from './modules/cases/desk/case-desk.routes.js';
import { registerNotificationRoutes } from './modules/notifications/notifications.routes.js';
import { registerMetricsRoutes } from './modules/metrics/metrics.routes.js';
import { registerOpen311Routes } from './modules/open311/open311.routes.js';
import { registerOpen311AdminRoutes } from './modules/open311/open311-admin.routes.js';
import type { Services } from './services.js';
import type { Config } from './config.js';
import { version } from './version.js';

/** Builds the HTTP application over the services: one place lists every route module. */
export async function buildApp(
  config: Config,
  services: Services,
  opts: { webRoot?: string | null; strictContract?: boolean } = {},
): Promise<App> {
  const app = await createHttpServer({
    logger: services.logger,
    authenticator: services.auth,
    bodyLimit: config.BODY_LIMIT_BYTES,
    uploadLimit: config.UPLOAD_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    version,
    webRoot: opts.webRoot === undefined ? defaultWebRoot : opts.webRoot,
    imageOrigins: tileOrigin(config.MAP_TILE_URL),
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    uploadTimeoutMs: config.UPLOAD_TIMEOUT_MS,
    strictContract: opts.strictContract ?? false,
  });
  registerSystemRoutes(
    app,
    services.database,
    {
      tileUrl: config.MAP_TILE_URL || null,
      tileAttribution: config.MAP_TILE_ATTRIBUTION || null,
      demo: config.demo,
      version,
    },
    () => services.orgs.installationArea(),
  );
  registerAuthRoutes(app, services.auth, {
    secure: config.COOKIE_SECURE,
    maxAgeSeconds: config.SESSION_MAX_HOURS * 3600,
  });
  registerUserRoutes(app, services.users);
  registerOrgRoutes(app, services.orgs);
  registerRegistryRoutes(app, services);
  registerAuditRoutes(app, services.auditRepo, services.audit);
  registerDeviceRoutes(app, services.devices, services.deviceImports, services.importJobs);
  registerDeviceControlRoutes(app, services.deviceCommands, services.deviceAttributes);
  registerImportJobRoutes(app, services.importJobs);
  registerTelemetryRoutes(app, services.telemetry);
  registerDeviceMapRoutes(app, services.deviceMap);
  registerLiveRoutes(app, services.live, services.orgs);
  registerHttpIngestRoutes(
    app,
    services.directory,
    services.router,
    config.MQTT_MAX_PAYLOAD_BYTES,
    services.deviceAttributes,
  );
  registerNgsiLdRoutes(app, {
    db: services.database.db,
    telemetry: services.telemetry,
    directory: services.directory,
    ingest: services.ingest,
  });
  registerCaseConfigRoutes(app, services.caseConfig);
  registerCaseRoutes(app, services.cases, services.caseActions, services.caseContacts);
  registerCaseAttachmentRoutes(app, services.caseAttachments, { maxBytes: config.ATTACHMENT_MAX_BYTES });
  registerCaseDeskRoutes(app, services.caseAssignees, services.caseContacts);
  registerNotificationRoutes(app, services.notifications);
  registerOpen311Routes(app, services.open311);
  registerOpen311AdminRoutes(app, services.open311Keys, services.open311, services.cipher);
  registerMetricsRoutes(app, services.metrics);
  return app;
}

/** The origin of a tile URL template such as https://{s}.tile.example.org/{z}/{x}/{y}.png. */
function tileOrigin(template: string): string[] {
  if (!template) return [];
  try {
    const u = new URL(template.replace(/\{s\}/g, 'a').replace(/\{[a-z]\}/g, '0'));
    return [template.includes('{s}') ? `${u.protocol}//*.${u.host.split('.').slice(1).join('.')}` : u.origin];
  } catch {
    return [];
  }
}
