import { type DeviceCommand } from '@civitas/contracts/devices';
import { deviceEndpoints as e } from '@civitas/contracts/endpoints/devices';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import type { DeviceAttributesService } from './device-attributes.service.js';
import type { DeviceCommandsService } from './device-commands.service.js';
import type { DeviceCommandRow } from './device-commands.tables.js';

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
  route(app, e.sendCommand, 'device.control', async (req) =>
    presentCommand(await commands.send(req.ctx, req.params.id, req.body)),
  );

  route(app, e.commands, 'device.read', async (req) => {
    const { rows, total } = await commands.list(req.actor, req.params.id, req.query.limit, req.query.offset);
    return { items: rows.map(presentCommand), total, limit: req.query.limit, offset: req.query.offset };
  });

  route(app, e.attributes, 'device.read', async (req) => {
    const a = await attributes.list(req.actor, req.params.id);
    return { client: presentAttributes(a.client), shared: presentAttributes(a.shared) };
  });

  route(app, e.setAttributes, 'device.control', async (req) => {
    const a = await attributes.setShared(req.ctx, req.params.id, req.body.shared);
    return { client: presentAttributes(a.client), shared: presentAttributes(a.shared), push: a.push };
  });
}
