import { mapEndpoints } from '@civitas/contracts/endpoints/map';
import { buildingEndpoints as b, residentEndpoints as e } from '@civitas/contracts/endpoints/registry';
import { badRequest } from '../../platform/errors/errors.js';
import type { App } from '../../platform/http/http-server.js';
import { compiledResponseSerializer } from '../../platform/http/response-serializer.js';
import { route } from '../../platform/http/route.js';
import type { BuildingsService } from './buildings.service.js';
import type { MapBaseService } from './map-base.service.js';
import { presentImportJob } from '../../platform/jobs/import-jobs.routes.js';
import { presentBuilding, writeResidentPage } from './registry.presenter.js';
import type { ResidentImportService } from './resident-import.service.js';
import type { IdentifierSearchService } from './identifier-search.service.js';
import type { ResidentDuplicatesService } from './resident-duplicates.service.js';
import { refuseIdentifiersInQuery, registerResidentSearchRoutes } from './resident-search.routes.js';
import type { ResidentsService } from './residents.service.js';

export function registerRegistryRoutes(
  app: App,
  s: {
    residents: ResidentsService;
    buildings: BuildingsService;
    imports: ResidentImportService;
    identifierSearch: IdentifierSearchService;
    residentDuplicates: ResidentDuplicatesService;
    mapBase: MapBaseService;
  },
): void {
  registerResidentSearchRoutes(app, s);
  // Every signed-in user: a resident picking a place to report needs the map as much as staff.
  route(app, mapEndpoints.base, 'authenticated', () => s.mapBase.base());
  // The response schema documents the body; the body itself is written by writeResidentPage
  // around the page's items, kept as JSON by the page cache (ADR 0016).
  route(
    app,
    e.list,
    'resident.read',
    async (req, reply) => {
      const r = await s.residents.list(req.ctx, req.query);
      const body = writeResidentPage({ ...r, limit: req.query.limit, offset: req.query.offset });
      // A JSON string is sent as it is (Fastify serializes only objects).
      return reply.type('application/json; charset=utf-8').send(body);
    },
    { preValidation: refuseIdentifiersInQuery },
  );
  route(app, e.get, 'resident.read', (req) => s.residents.get(req.ctx, req.params.id), {
    serializerCompiler: compiledResponseSerializer,
  });
  route(app, e.create, 'resident.write', (req) => s.residents.create(req.ctx, req.body));
  route(app, e.update, 'resident.write', (req) => s.residents.update(req.ctx, req.params.id, req.body));
  route(app, e.reveal, 'resident.reveal', async (req) => ({
    field: req.body.field,
    value: await s.residents.reveal(req.ctx, req.params.id, req.body.field, req.body.reason),
  }));
  route(app, e.import, 'resident.import', async (req) => {
    if (!req.isMultipart())
      throw badRequest('multipart_required', 'file: send the CSV as multipart/form-data field "file"');
    const file = await req.file();
    if (!file) throw badRequest('file_missing', 'file: no file in the request');
    const data = await file.toBuffer();
    const id = await s.imports.start(req.ctx, file.filename || 'upload.csv', data);
    return presentImportJob(await s.imports.job(req.actor, id));
  });

  route(app, b.list, 'building.read', async (req) => {
    const { rows, total } = await s.buildings.list(req.actor, req.query.limit, req.query.offset);
    return { items: rows.map(presentBuilding), total, ...req.query };
  });
  route(app, b.get, 'building.read', async (req) =>
    presentBuilding(await s.buildings.get(req.actor, req.params.id)),
  );
  route(app, b.households, 'building.read', async (req) => ({
    items: (await s.buildings.households(req.actor, req.params.id)).map((h) => ({
      id: h.id,
      buildingId: h.building_id,
      unitNo: h.unit_no,
      memberCount: h.member_count,
    })),
  }));
  route(app, b.create, 'building.write', async (req) =>
    presentBuilding(await s.buildings.create(req.ctx, req.body)),
  );
}
