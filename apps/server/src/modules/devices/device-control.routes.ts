import {
  deviceAttributes,
  deviceCommand,
  sendCommand,
  updateSharedAttributes,
  type DeviceCommand,
} from '@civitas/contracts/devices';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import type { DeviceAttributesService } from './device-attributes.service.js';
import type { DeviceCommandsService } from './device-commands.service.js';
import type { DeviceCommandRow } from './device-commands.tables.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['devices'];

export function presentCommand(c: DeviceCommandRow): DeviceCommand {
  return {
    id: c.id,
    requestId: c.request_id,
    protocol: c.protocol,
    method: c.method,
    params: c.params,
    oneway: c.oneway,
    status: c.status,
    response: c.response ?? null,
    error: c.error === 'not_connected' ? c.error : null,
    timeoutMs: c.timeout_ms,
    createdBy: c.created_by ? { id: c.created_by, name: c.created_by_name ?? '' } : null,
    createdAt: c.created_at.toISOString(),
    deliveredAt: c.delivered_at?.toISOString() ?? null,
    completedAt: c.completed_at?.toISOString() ?? null,
    expiresAt: c.expires_at.toISOString(),
  };
}

const presentAttributes = (rows: { key: string; value: unknown; updated_at: Date }[]) =>
  rows.map((r) => ({ key: r.key, value: r.value, updatedAt: r.updated_at.toISOString() }));

/**
 * The staff side of commands and attributes. Scoped like every device route: a device outside the
 * caller's units answers 404; sending needs `device.control` on the device's unit.
 */
export function registerDeviceControlRoutes(
  app: App,
  commands: DeviceCommandsService,
  attributes: DeviceAttributesService,
): void {
  app.post(
    '/api/v1/devices/:id/rpc',
    {
      config: { access: 'device.control' },
      schema: {
        tags,
        summary:
          'Send a command (ThingsBoard RPC, or a FIWARE command for devices of an API key group); ' +
          'two-way waits for the answer, one-way for delivery',
        params: idParams,
        body: sendCommand,
        response: { 200: deviceCommand },
      },
    },
    async (req) =>
      presentCommand(await commands.send({ ...req.ctx, actor: req.actor! }, req.params.id, req.body)),
  );

  app.get(
    '/api/v1/devices/:id/rpc',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        summary: 'Commands sent to the device, newest first',
        params: idParams,
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(200).default(20),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: {
          200: z.object({
            items: z.array(deviceCommand),
            total: z.number(),
            limit: z.number(),
            offset: z.number(),
          }),
        },
      },
    },
    async (req) => {
      const { rows, total } = await commands.list(
        req.actor!,
        req.params.id,
        req.query.limit,
        req.query.offset,
      );
      return { items: rows.map(presentCommand), total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.get(
    '/api/v1/devices/:id/attributes',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        summary: 'Client and shared attributes',
        params: idParams,
        response: { 200: deviceAttributes },
      },
    },
    async (req) => {
      const a = await attributes.list(req.actor!, req.params.id);
      return { client: presentAttributes(a.client), shared: presentAttributes(a.shared) };
    },
  );

  app.put(
    '/api/v1/devices/:id/attributes',
    {
      config: { access: 'device.control' },
      schema: {
        tags,
        summary: 'Set (or, with null, delete) shared attributes; the change is pushed to the device',
        params: idParams,
        body: updateSharedAttributes,
        response: { 200: deviceAttributes },
      },
    },
    async (req) => {
      const a = await attributes.setShared({ ...req.ctx, actor: req.actor! }, req.params.id, req.body.shared);
      return { client: presentAttributes(a.client), shared: presentAttributes(a.shared), push: a.push };
    },
  );
}
