import {
  createDevice,
  createdDevice,
  device,
  deviceListQuery,
  deviceProfile,
  updateDevice,
} from '@civitas/contracts/devices';
import { z } from 'zod';
import type { App } from '../../platform/http/http-server.js';
import { presentDevice, presentProfile } from './devices.presenter.js';
import type { DevicesService } from './devices.service.js';
import type { DeviceImportService } from './device-import.service.js';
import { importJob } from '@civitas/contracts/registry';
import { grantCovering } from '../../platform/auth/access.js';
import { badRequest } from '../../platform/errors/errors.js';
import type { ImportJobsRepository } from '../../platform/jobs/import-jobs.repository.js';
import { presentImportJob } from '../../platform/jobs/import-jobs.routes.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['devices'];

export function registerDeviceRoutes(
  app: App,
  devices: DevicesService,
  imports: DeviceImportService,
  jobs: ImportJobsRepository,
): void {
  app.post(
    '/api/v1/devices/import',
    {
      config: { access: 'device.write' },
      schema: {
        tags,
        summary: 'Import devices from a CSV file (multipart field "file"); poll /api/v1/imports/{id}',
        consumes: ['multipart/form-data'],
        response: { 202: importJob },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw badRequest('multipart_required', 'file: send the CSV as multipart/form-data field "file"');
      const file = await req.file();
      if (!file) throw badRequest('file_missing', 'file: no file in the request');
      const id = await imports.start(
        { ...req.ctx, actor: req.actor! },
        file.filename || 'devices.csv',
        await file.toBuffer(),
      );
      return reply.status(202).send(presentImportJob((await jobs.find(id))!));
    },
  );

  app.get(
    '/api/v1/device-profiles',
    {
      config: { access: 'device.read' },
      schema: { tags, response: { 200: z.object({ items: z.array(deviceProfile) }) } },
    },
    async () => ({ items: (await devices.profilesList()).map(presentProfile) }),
  );

  app.get(
    '/api/v1/devices',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        querystring: deviceListQuery,
        response: {
          200: z.object({ items: z.array(device), total: z.number(), limit: z.number(), offset: z.number() }),
        },
      },
    },
    async (req) => {
      const { rows, total } = await devices.list(req.actor!, req.query);
      return { items: rows.map(presentDevice), total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.get(
    '/api/v1/devices/:id',
    {
      config: { access: 'device.read' },
      schema: {
        tags,
        params: idParams,
        response: {
          200: device.extend({
            rejections: z.array(z.object({ reason: z.string(), count: z.number(), lastAt: z.string() })),
            canControl: z
              .boolean()
              .describe('whether the caller may send commands and shared attributes to this device'),
          }),
        },
      },
    },
    async (req) => {
      const d = await devices.get(req.actor!, req.params.id);
      const rej = await devices.rejections(d.id);
      return {
        ...presentDevice(d),
        rejections: rej.map((r) => ({ reason: r.reason, count: r.count, lastAt: r.last_at.toISOString() })),
        // The same check the command routes make, so the page offers only what the server allows.
        canControl: grantCovering(req.actor!, 'device.control', d.unit_path) !== undefined,
      };
    },
  );

  app.post(
    '/api/v1/devices',
    {
      config: { access: 'device.write' },
      schema: {
        tags,
        summary: 'Register a device; the answer holds its access token, shown once',
        body: createDevice,
        response: { 201: createdDevice },
      },
    },
    async (req, reply) => {
      const { device: d, token } = await devices.create({ ...req.ctx, actor: req.actor! }, req.body);
      // Created through the API, a device always gets a fresh token.
      return reply.status(201).send({ ...d, token: token! });
    },
  );

  app.patch(
    '/api/v1/devices/:id',
    {
      config: { access: 'device.write' },
      schema: { tags, params: idParams, body: updateDevice, response: { 200: device } },
    },
    async (req) => devices.update({ ...req.ctx, actor: req.actor! }, req.params.id, req.body),
  );

  app.delete(
    '/api/v1/devices/:id',
    { config: { access: 'device.write' }, schema: { tags, params: idParams } },
    async (req, reply) => {
      await devices.remove({ ...req.ctx, actor: req.actor! }, req.params.id);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/v1/devices/:id/token',
    {
      config: { access: 'device.write' },
      schema: {
        tags,
        summary: 'Rotate the access token (the old one stops working at once)',
        params: idParams,
        response: { 200: z.object({ token: z.string() }) },
      },
    },
    async (req) => ({
      token: (await devices.rotateToken({ ...req.ctx, actor: req.actor! }, req.params.id))!,
    }),
  );

  app.delete(
    '/api/v1/devices/:id/token',
    {
      config: { access: 'device.write' },
      schema: { tags, summary: 'Revoke the access token', params: idParams },
    },
    async (req, reply) => {
      await devices.rotateToken({ ...req.ctx, actor: req.actor! }, req.params.id, true);
      return reply.status(204).send();
    },
  );

  const groupSummary = z.object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    orgUnitId: z.uuid(),
    orgUnitCode: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  });
  app.get(
    '/api/v1/api-key-groups',
    {
      config: { access: 'device.read' },
      schema: { tags, response: { 200: z.object({ items: z.array(groupSummary) }) } },
    },
    async (req) => ({
      items: (await devices.listApiKeyGroups(req.actor!)).map((g) => ({
        id: g.id,
        name: g.name,
        prefix: g.apikey_prefix,
        orgUnitId: g.org_unit_id,
        orgUnitCode: g.unit_code,
        createdAt: g.created_at.toISOString(),
        revokedAt: g.revoked_at?.toISOString() ?? null,
      })),
    }),
  );
  app.post(
    '/api/v1/api-key-groups',
    {
      config: { access: 'device.write' },
      schema: {
        tags,
        summary: 'Create a FIWARE API key group (the key is shown once)',
        body: z.object({ name: z.string().trim().min(1).max(100), orgUnitId: z.uuid() }),
        response: { 201: z.object({ id: z.uuid(), apikey: z.string(), prefix: z.string() }) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await devices.createApiKeyGroup(
            { ...req.ctx, actor: req.actor! },
            req.body.name,
            req.body.orgUnitId,
          ),
        ),
  );
  app.delete(
    '/api/v1/api-key-groups/:id',
    { config: { access: 'device.write' }, schema: { tags, params: idParams } },
    async (req, reply) => {
      await devices.revokeApiKeyGroup({ ...req.ctx, actor: req.actor! }, req.params.id);
      return reply.status(204).send();
    },
  );
}
