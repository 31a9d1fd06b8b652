import { defineModule } from '../../platform/module/module.js';
import { deviceUnitRecords } from './devices-unit-records.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { createDeviceControl } from './device-control.js';
import { registerDeviceControlRoutes } from './device-control.routes.js';
import { DeviceImportTokens } from './device-import-tokens.js';
import { DeviceImportService } from './device-import.service.js';
import { DeviceSeeding } from './device-seeding.js';
import { DevicesRepository } from './devices.repository.js';
import { registerDeviceRoutes } from './devices.routes.js';
import { DevicesService } from './devices.service.js';
import { ProfilesRepository } from './profiles.repository.js';
import { registerProfileRoutes } from './profiles.routes.js';
import { ProfilesService } from './profiles.service.js';

/**
 * The device registry (profiles, devices, credentials, API key groups) and the platform's side of
 * the device protocols: commands, attributes and the downlink port an MQTT door plugs into.
 */
export const devicesModule = defineModule<{ orgs: OrgsService }>()({
  name: 'devices',
  needs: { orgs: true },
  tables: [
    'device_profiles',
    'api_key_groups',
    'devices',
    'device_commands',
    'device_attributes',
    'device_import_tokens',
  ],
  reads: ['org_units', 'device_rejections'],
  publishes: ['device.changed'],
  subscribes: [],
  create: (host, { orgs }) => {
    const { db } = host;
    orgs.unitRecords.register(deviceUnitRecords);
    const devicesRepo = new DevicesRepository(db);
    const profilesRepo = new ProfilesRepository(db);
    const devices = new DevicesService(
      db,
      devicesRepo,
      profilesRepo,
      orgs,
      host.audit,
      host.bus,
      host.cipher,
    );
    const control = createDeviceControl({
      db,
      config: host.config,
      devices,
      devicesRepo,
      audit: host.audit,
      cipher: host.cipher,
      logger: host.logger,
    });
    const importTokens = new DeviceImportTokens(db, host.cipher);
    return {
      devices,
      deviceProfiles: new ProfilesService(db, profilesRepo, host.audit, host.bus),
      importTokens,
      deviceImports: new DeviceImportService(
        devices,
        host.importJobs,
        importTokens,
        host.logger.child({ area: 'import' }),
      ),
      ...control,
      deviceSeeding: new DeviceSeeding(db, devicesRepo, host.bus),
    };
  },
  routes: (app, s, host) => {
    registerDeviceRoutes(app, s.devices, s.deviceImports, host.importJobs, s.importTokens);
    registerProfileRoutes(app, s.deviceProfiles);
    registerDeviceControlRoutes(app, s.deviceCommands, s.deviceAttributes);
  },
  // Commands still open past their time become timed out (device-commands.service.ts).
  jobs: (s) => [
    { name: 'devices.command-expiry', everyMs: 5_000, run: () => s.deviceCommands.expire() },
    // Minted import tokens nobody fetched within the hour (device-import-tokens.ts).
    { name: 'devices.import-token-expiry', everyMs: 5 * 60_000, run: () => s.importTokens.sweep() },
  ],
});
