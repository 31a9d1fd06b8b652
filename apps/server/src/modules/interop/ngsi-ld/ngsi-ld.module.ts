import { defineModule } from '../../../platform/module/module.js';
import type { DeviceDirectory } from '../../telemetry/device-directory.js';
import type { IngestService } from '../../telemetry/ingest.service.js';
import type { TelemetryService } from '../../telemetry/telemetry.service.js';
import { registerNgsiLdRoutes } from './ngsi-ld.routes.js';

/** NGSI-LD (ETSI GS CIM 009) over the device registry and telemetry: an adapter with no tables of its own. */
export const ngsiLdModule = defineModule<{
  telemetry: TelemetryService;
  directory: DeviceDirectory;
  ingest: IngestService;
}>()({
  name: 'ngsi-ld',
  needs: { telemetry: true, directory: true, ingest: true },
  tables: [],
  reads: ['org_units', 'devices', 'device_profiles', 'device_state', 'telemetry'],
  publishes: [],
  subscribes: [],
  create: () => ({}),
  routes: (app, s, host) =>
    registerNgsiLdRoutes(app, {
      db: host.db,
      telemetry: s.telemetry,
      directory: s.directory,
      ingest: s.ingest,
    }),
});
