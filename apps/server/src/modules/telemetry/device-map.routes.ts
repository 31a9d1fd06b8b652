import { telemetryEndpoints } from '@civitas/contracts/endpoints/devices';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { DeviceMapService } from './device-map.service.js';

export function registerDeviceMapRoutes(app: App, deviceMap: DeviceMapService): void {
  route(app, telemetryEndpoints.map, 'device.read', (req) => deviceMap.map(req.actor, req.query));
}
