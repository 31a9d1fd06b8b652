import { caseConfigEndpoints, caseEndpoints } from './endpoints/cases.js';
import { deviceEndpoints, telemetryEndpoints } from './endpoints/devices.js';
import { auditEndpoints } from './endpoints/audit.js';
import { homeEndpoints } from './endpoints/home.js';
import { mapEndpoints } from './endpoints/map.js';
import { metricsEndpoints } from './endpoints/metrics.js';
import { notificationEndpoints } from './endpoints/notifications.js';
import { systemEndpoints } from './endpoints/system.js';
import { authEndpoints, userEndpoints } from './endpoints/identity.js';
import { open311AdminEndpoints } from './endpoints/open311.js';
import { orgEndpoints } from './endpoints/orgs.js';
import { buildingEndpoints, importEndpoints, residentEndpoints } from './endpoints/registry.js';

/**
 * Every endpoint of the Civitas API under /api/v1, by domain. The server registers its routes from
 * these (a test checks both ways), the OpenAPI document is generated from them, and the web calls
 * the API only through them (apps/web/src/app/api-client.ts).
 */
export const endpoints = {
  auth: authEndpoints,
  users: userEndpoints,
  orgs: orgEndpoints,
  residents: residentEndpoints,
  buildings: buildingEndpoints,
  imports: importEndpoints,
  devices: deviceEndpoints,
  telemetry: telemetryEndpoints,
  cases: caseEndpoints,
  caseConfig: caseConfigEndpoints,
  notifications: notificationEndpoints,
  audit: auditEndpoints,
  metrics: metricsEndpoints,
  home: homeEndpoints,
  system: systemEndpoints,
  open311Admin: open311AdminEndpoints,
  map: mapEndpoints,
};
