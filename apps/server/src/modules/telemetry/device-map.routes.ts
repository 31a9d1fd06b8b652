import { deviceMapQuery, deviceMapResponse } from '@civitas/contracts/devices';
import type { App } from '../../platform/http/http-server.js';
import type { DeviceMapService } from './device-map.service.js';

export function registerDeviceMapRoutes(app: App, deviceMap: DeviceMapService): void {
  app.get(
    '/api/v1/devices/map',
    {
      config: { access: 'device.read' },
      schema: {
        tags: ['telemetry'],
        summary:
          'Devices in a box for a map: H3 cells (count, online, worst AQI, mean value) when zoomed out, single devices with their primary value when zoomed in',
        querystring: deviceMapQuery,
        response: { 200: deviceMapResponse },
      },
    },
    async (req) => deviceMap.map(req.actor!, req.query),
  );
}
