import { deviceLatest, metricState, seriesQuery, seriesResponse } from '@civitas/contracts/devices';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import type { TelemetryService } from './telemetry.service.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['telemetry'];

export function registerTelemetryRoutes(app: App, telemetry: TelemetryService): void {
  app.get(
    '/api/v1/devices/:id/series',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        summary: 'A metric over a time range; raw or rollup chosen for the range unless `bucket` says',
        params: idParams,
        querystring: seriesQuery,
        response: { 200: seriesResponse },
      },
    },
    async (req) => telemetry.series(req.actor!, req.params.id, req.query),
  );

  app.get(
    '/api/v1/devices/:id/latest',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        summary: 'The digital twin: latest value per metric',
        params: idParams,
        response: { 200: deviceLatest },
      },
    },
    async (req) => telemetry.latestOfDevice(req.actor!, req.params.id),
  );

  app.get(
    '/api/v1/devices/:id/events',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        params: idParams,
        querystring: z.object({
          from: z.iso.datetime({ offset: true }),
          to: z.iso.datetime({ offset: true }),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({ ts: z.string(), kind: z.string(), data: z.record(z.string(), z.unknown()) }),
            ),
          }),
        },
      },
    },
    async (req) => ({
      items: (
        await telemetry.events(req.actor!, req.params.id, new Date(req.query.from), new Date(req.query.to))
      ).map((e) => ({
        ts: e.ts.toISOString(),
        kind: e.kind,
        data: e.data,
      })),
    }),
  );

  app.get(
    '/api/v1/telemetry/latest',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        summary: 'Latest state of every device under an org unit (for maps and dashboards)',
        querystring: z.object({
          unitId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(10_000).default(1000),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({
            total: z.number(),
            items: z.array(
              z.object({
                deviceId: z.uuid(),
                code: z.string(),
                profileCode: z.string(),
                location: z.object({
                  type: z.literal('Point'),
                  coordinates: z.tuple([z.number(), z.number()]),
                }),
                connectivity: z.string(),
                metrics: z.array(metricState),
              }),
            ),
          }),
        },
      },
    },
    async (req) => telemetry.latestOfUnit(req.actor!, req.query.unitId, req.query.limit, req.query.offset),
  );
}
