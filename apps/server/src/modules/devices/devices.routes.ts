import { deviceEndpoints as e } from '@civitas/contracts/endpoints/devices';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { presentDevice } from './devices.presenter.js';
import type { DevicesService } from './devices.service.js';
import type { DeviceImportService } from './device-import.service.js';
import type { DeviceImportTokens } from './device-import-tokens.js';
import { grantCovering } from '../../platform/auth/access.js';
import { badRequest } from '../../platform/errors/errors.js';
import type { ImportJobsRepository } from '../../platform/jobs/import-jobs.repository.js';
import { presentImportJob } from '../../platform/jobs/import-jobs.routes.js';

export function registerDeviceRoutes(
  app: App,
  devices: DevicesService,
  imports: DeviceImportService,
  jobs: ImportJobsRepository,
  importTokens: DeviceImportTokens,
): void {
  route(app, e.import, 'device.write', async (req) => {
    if (!req.isMultipart())
      throw badRequest('multipart_required', 'file: send the CSV as multipart/form-data field "file"');
    const file = await req.file();
    if (!file) throw badRequest('file_missing', 'file: no file in the request');
    const id = await imports.start(req.ctx, file.filename || 'devices.csv', await file.toBuffer());
    return presentImportJob((await jobs.find(id))!);
  });

  // Minted tokens, once, to the importer; never logged (the response body is not).
  route(app, e.importTokens, 'device.write', async (req) => ({
    items: await importTokens.take(req.actor, req.params.id),
  }));

  route(app, e.list, 'device.read', async (req) => {
    const { rows, total } = await devices.list(req.actor, req.query);
    return { items: rows.map(presentDevice), total, limit: req.query.limit, offset: req.query.offset };
  });

  route(app, e.get, 'device.read', async (req) => {
    const d = await devices.get(req.actor, req.params.id);
    const rej = await devices.rejections(d.id);
    return {
      ...presentDevice(d),
      rejections: rej.map((r) => ({ reason: r.reason, count: r.count, lastAt: r.last_at.toISOString() })),
      // The same check the command routes make, so the page offers only what the server allows.
      canControl: grantCovering(req.actor, 'device.control', d.unit_path) !== undefined,
    };
  });

  route(app, e.create, 'device.write', async (req) => {
    const { device: d, token } = await devices.create(req.ctx, req.body);
    // Created through the API, a device always gets a fresh token.
    return { ...d, token: token! };
  });

  route(app, e.update, 'device.write', (req) => devices.update(req.ctx, req.params.id, req.body));

  route(app, e.remove, 'device.write', async (req) => {
    await devices.remove(req.ctx, req.params.id);
  });

  route(app, e.rotateToken, 'device.write', async (req) => ({
    token: (await devices.rotateToken(req.ctx, req.params.id))!,
  }));

  route(app, e.revokeToken, 'device.write', async (req) => {
    await devices.rotateToken(req.ctx, req.params.id, true);
  });

  route(app, e.apiKeyGroups, 'device.read', async (req) => ({
    items: (await devices.listApiKeyGroups(req.actor)).map((g) => ({
      id: g.id,
      name: g.name,
      prefix: g.apikey_prefix,
      orgUnitId: g.org_unit_id,
      orgUnitCode: g.unit_code,
      createdAt: g.created_at.toISOString(),
      revokedAt: g.revoked_at?.toISOString() ?? null,
    })),
  }));
  route(app, e.createApiKeyGroup, 'device.write', (req) =>
    devices.createApiKeyGroup(req.ctx, req.body.name, req.body.orgUnitId),
  );
  route(app, e.revokeApiKeyGroup, 'device.write', async (req) => {
    await devices.revokeApiKeyGroup(req.ctx, req.params.id);
  });
}
