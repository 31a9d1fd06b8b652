import { pageQuery } from '@civitas/contracts/common';
import {
  building,
  createBuilding,
  household,
  createResident,
  importJob,
  residentListQuery,
  residentMasked,
  revealRequest,
  revealResponse,
  updateResident,
} from '@civitas/contracts/registry';
import { z } from 'zod';
import { badRequest } from '../../platform/errors/errors.js';
import type { App } from '../../platform/http/http-server.js';
import { compiledResponseSerializer } from '../../platform/http/response-serializer.js';
import type { BuildingsService } from './buildings.service.js';
import { presentImportJob } from '../../platform/jobs/import-jobs.routes.js';
import { presentBuilding, writeResidentPage } from './registry.presenter.js';
import type { ResidentImportService } from './resident-import.service.js';
import type { IdentifierSearchService } from './identifier-search.service.js';
import type { ResidentDuplicatesService } from './resident-duplicates.service.js';
import { refuseIdentifiersInQuery, registerResidentSearchRoutes } from './resident-search.routes.js';
import type { ResidentsService } from './residents.service.js';

const idParams = z.object({ id: z.uuid() });
const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number(), limit: z.number(), offset: z.number() });

export function registerRegistryRoutes(
  app: App,
  s: {
    residents: ResidentsService;
    buildings: BuildingsService;
    imports: ResidentImportService;
    identifierSearch: IdentifierSearchService;
    residentDuplicates: ResidentDuplicatesService;
  },
): void {
  const tags = ['residents'];
  registerResidentSearchRoutes(app, s);
  app.get(
    '/api/v1/residents',
    {
      config: { access: 'resident.read' },
      preValidation: refuseIdentifiersInQuery,
      // The response schema documents the body; the body itself is written by writeResidentPage
      // around the page's items, kept as JSON by the page cache (ADR 0016).
      schema: {
        tags,
        querystring: residentListQuery,
        response: {
          200: page(residentMasked).extend({
            totalExact: z.boolean().describe('false when the count stopped at 10,000'),
          }),
        },
      },
    },
    async (req, reply) => {
      const r = await s.residents.list({ ...req.ctx, actor: req.actor! }, req.query);
      const body = writeResidentPage({ ...r, limit: req.query.limit, offset: req.query.offset });
      // A JSON string is sent as it is (Fastify serializes only objects); the type provider
      // only knows the object form.
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );
  app.get(
    '/api/v1/residents/:id',
    {
      config: { access: 'resident.read' },
      serializerCompiler: compiledResponseSerializer,
      schema: { tags, params: idParams, response: { 200: residentMasked } },
    },
    async (req) => s.residents.get({ ...req.ctx, actor: req.actor! }, req.params.id),
  );
  app.post(
    '/api/v1/residents',
    {
      config: { access: 'resident.write' },
      schema: { tags, body: createResident, response: { 201: residentMasked } },
    },
    async (req, reply) =>
      reply.status(201).send(await s.residents.create({ ...req.ctx, actor: req.actor! }, req.body)),
  );
  app.patch(
    '/api/v1/residents/:id',
    {
      config: { access: 'resident.write' },
      schema: { tags, params: idParams, body: updateResident, response: { 200: residentMasked } },
    },
    async (req) => s.residents.update({ ...req.ctx, actor: req.actor! }, req.params.id, req.body),
  );
  app.post(
    '/api/v1/residents/:id/reveal',
    {
      config: { access: 'resident.reveal' },
      schema: {
        tags,
        summary: 'Show one personal field in clear (audited)',
        params: idParams,
        body: revealRequest,
        response: { 200: revealResponse },
      },
    },
    async (req) => ({
      field: req.body.field,
      value: await s.residents.reveal(
        { ...req.ctx, actor: req.actor! },
        req.params.id,
        req.body.field,
        req.body.reason,
      ),
    }),
  );
  app.post(
    '/api/v1/residents/import',
    {
      config: { access: 'resident.import' },
      schema: {
        tags,
        summary: 'Import residents from a CSV file (multipart field "file"); poll the job',
        consumes: ['multipart/form-data'],
        response: { 202: importJob },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart())
        throw badRequest('multipart_required', 'file: send the CSV as multipart/form-data field "file"');
      const file = await req.file();
      if (!file) throw badRequest('file_missing', 'file: no file in the request');
      const data = await file.toBuffer();
      const id = await s.imports.start(
        { ...req.ctx, actor: req.actor! },
        file.filename || 'upload.csv',
        data,
      );
      return reply.status(202).send(presentImportJob(await s.imports.job(req.actor!, id)));
    },
  );

  const btags = ['buildings'];
  app.get(
    '/api/v1/buildings',
    {
      config: { access: 'building.read' },
      schema: { tags: btags, querystring: pageQuery, response: { 200: page(building) } },
    },
    async (req) => {
      const { rows, total } = await s.buildings.list(req.actor!, req.query.limit, req.query.offset);
      return { items: rows.map(presentBuilding), total, ...req.query };
    },
  );
  app.get(
    '/api/v1/buildings/:id',
    {
      config: { access: 'building.read' },
      schema: { tags: btags, params: idParams, response: { 200: building } },
    },
    async (req) => presentBuilding(await s.buildings.get(req.actor!, req.params.id)),
  );
  app.get(
    '/api/v1/buildings/:id/households',
    {
      config: { access: 'building.read' },
      schema: { tags: btags, params: idParams, response: { 200: z.object({ items: z.array(household) }) } },
    },
    async (req) => ({
      items: (await s.buildings.households(req.actor!, req.params.id)).map((h) => ({
        id: h.id,
        buildingId: h.building_id,
        unitNo: h.unit_no,
        memberCount: h.member_count,
      })),
    }),
  );
  app.post(
    '/api/v1/buildings',
    {
      config: { access: 'building.write' },
      schema: { tags: btags, body: createBuilding, response: { 201: building } },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(presentBuilding(await s.buildings.create({ ...req.ctx, actor: req.actor! }, req.body))),
  );
}
