import { deviceEndpoints as e } from '@civitas/contracts/endpoints/devices';
import type { App } from '../../platform/http/http-server.js';
import { route } from '../../platform/http/route.js';
import { presentDevice } from './devices.presenter.js';
import type { DevicesService } from './devices.service.js';
import { deviceColumns, deviceTemplateExample, type DeviceImportService } from './device-import.service.js';
import { previewImport } from '../../platform/imports/import-preview.js';
import { importTemplate } from '../../platform/imports/import-template.js';
import { sendTemplate, uploadedFile } from '../../platform/imports/upload.js';
import type { DeviceImportTokens } from './device-import-tokens.js';
import { grantCovering } from '../../platform/auth/access.js';
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
    const { fileName, data } = await uploadedFile(req, 'devices.csv');
    const id = await imports.start(req.ctx, fileName, data, req.query.encoding);
    return presentImportJob((await jobs.find(id))!);
  });
  route(app, e.importPreview, 'device.write', async (req) =>
    previewImport((await uploadedFile(req, 'devices.csv')).data, req.query.encoding, deviceColumns),
  );
  route(app, e.importTemplate, 'device.write', async (req, reply) =>
    sendTemplate(
      reply,
      await importTemplate('devices', deviceColumns, deviceTemplateExample, req.query.lang, req.query.format),
    ),
  );

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
