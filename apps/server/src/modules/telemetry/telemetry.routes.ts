import { telemetryEndpoints as e } from '@civitas/contracts/endpoints/devices';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { TelemetryService } from './telemetry.service.js';

export function registerTelemetryRoutes(app: App, telemetry: TelemetryService): void {
  route(app, e.series, 'device.read', (req) => telemetry.series(req.actor, req.params.id, req.query));
  route(app, e.latest, 'device.read', (req) => telemetry.latestOfDevice(req.actor, req.params.id));
  route(app, e.events, 'device.read', async (req) => ({
    items: (
      await telemetry.events(req.actor, req.params.id, new Date(req.query.from), new Date(req.query.to))
    ).map((ev) => ({ ts: ev.ts.toISOString(), kind: ev.kind, data: ev.data })),
  }));
  route(app, e.unitLatest, 'device.read', (req) =>
    telemetry.latestOfUnit(req.actor, req.query.unitId, req.query.limit, req.query.offset),
  );
}
