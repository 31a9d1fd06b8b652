import { defineModule } from '../../platform/module/module.js';
import type { DeviceAttributesService } from '../devices/device-attributes.service.js';
import type { DevicesService } from '../devices/devices.service.js';
import type { ProfilesService } from '../devices/profiles.service.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import type { DeviceControl } from './mqtt-router.js';
import { ConnectivityMonitor } from './connectivity.js';
import { DeviceDirectory } from './device-directory.js';
import { DeviceMapRepository } from './device-map.repository.js';
import { registerDeviceMapRoutes } from './device-map.routes.js';
import { DeviceMapService } from './device-map.service.js';
import { registerHttpIngestRoutes } from './doors/http-ingest.routes.js';
import { IngestService } from './ingest.service.js';
import { LiveHub } from './live-hub.js';
import { registerLiveRoutes } from './live.routes.js';
import { MqttRouter } from './mqtt-router.js';
import { RetentionJob } from './retention.js';
import { TelemetryWriter, writeLanesFor } from './telemetry-writer.js';
import { TelemetryRepository } from './telemetry.repository.js';
import { registerTelemetryRoutes } from './telemetry.routes.js';
import { TelemetryService } from './telemetry.service.js';

const MINUTE = 60_000;

/**
 * Readings in: the ingest pipeline (router, rate limits, group-committing writer), the device
 * directory the doors authenticate against, latest state, rollups, events, connectivity, the live
 * stream and the device map. The MQTT doors themselves are started by ingestion.ts.
 */
export const telemetryModule = defineModule<{
  orgs: OrgsService;
  devices: DevicesService;
  deviceProfiles: ProfilesService;
  deviceControl: DeviceControl;
  deviceAttributes: DeviceAttributesService;
}>()({
  name: 'telemetry',
  needs: {
    orgs: true,
    devices: true,
    deviceProfiles: true,
    deviceControl: true,
    deviceAttributes: true,
  },
  tables: ['device_state', 'telemetry', 'telemetry_1m', 'telemetry_1h', 'device_events', 'device_rejections'],
  reads: ['org_units', 'devices', 'device_profiles'],
  // The device row's last-seen, counters and last error are updated with the readings (ADR 0030).
  writes: ['devices'],
  publishes: [
    'telemetry.stored',
    'device.event',
    'device.active',
    'device.inactive',
    'device.connected',
    'device.disconnected',
  ],
  subscribes: [
    'device.changed',
    'telemetry.stored',
    'device.event',
    'device.active',
    'device.inactive',
    'device.connected',
    'device.disconnected',
  ],
  create: (host, n) => {
    const { config, db, bus } = host;
    const telemetryRepo = new TelemetryRepository(db);
    // Readings carry no foreign key (the write path's sake): they go with their device.
    n.devices.onRemove((trx, deviceId) => telemetryRepo.removeDevice(trx, deviceId));
    // A profile's metric that has readings stays (ADR 0041): the latest state says which have some.
    n.deviceProfiles.onMetricDataCheck((profileId, metrics) =>
      telemetryRepo.metricsWithData(profileId, metrics),
    );
    const writer = new TelemetryWriter(telemetryRepo, bus, host.logger.child({ area: 'telemetry' }), {
      maxBuffered: config.TELEMETRY_BUFFER,
      batchSize: config.TELEMETRY_BATCH,
      lanes: writeLanesFor(host.database.engine, config.TELEMETRY_WRITE_LANES, config.DATABASE_POOL_SIZE),
      deferFlush: host.database.engine === 'postgres',
    });
    const directory = new DeviceDirectory(n.devices, bus);
    const ingest = new IngestService(writer, {
      maxFutureMs: config.TELEMETRY_MAX_FUTURE_SECONDS * 1000,
      ratePerSecond: config.DEVICE_RATE_LIMIT,
      rateBurst: config.DEVICE_RATE_BURST,
    });
    return {
      writer,
      directory,
      ingest,
      router: new MqttRouter(directory, ingest, config.MQTT_MAX_PAYLOAD_BYTES, n.deviceControl),
      telemetry: new TelemetryService(telemetryRepo, n.devices),
      deviceMap: new DeviceMapService(new DeviceMapRepository(db), n.orgs),
      live: new LiveHub(bus),
      connectivity: new ConnectivityMonitor(db, bus),
      retention: new RetentionJob(db, host.logger.child({ area: 'jobs' })),
    };
  },
  routes: (app, s, host) => {
    registerTelemetryRoutes(app, s.telemetry);
    registerDeviceMapRoutes(app, s.deviceMap);
    registerLiveRoutes(app, s.live, s.orgs);
    registerHttpIngestRoutes(
      app,
      s.directory,
      s.router,
      host.config.MQTT_MAX_PAYLOAD_BYTES,
      s.deviceAttributes,
    );
  },
  jobs: (s) => [
    // Devices silent past their expected interval are marked inactive (connectivity.ts).
    { name: 'telemetry.connectivity', everyMs: 10_000, run: () => s.connectivity.sweep() },
    // Readings, rollups and events past their retention (retention.ts).
    { name: 'telemetry.retention', everyMs: 60 * MINUTE, runAtStart: true, run: () => s.retention.run() },
  ],
});
