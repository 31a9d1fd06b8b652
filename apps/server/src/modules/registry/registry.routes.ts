import { mapEndpoints } from '@civitas/contracts/endpoints/map';
import { buildingEndpoints as b, residentEndpoints as e } from '@civitas/contracts/endpoints/registry';
import { previewImport } from '../../platform/imports/import-preview.js';
import { importTemplate } from '../../platform/imports/import-template.js';
import { sendTemplate, uploadedFile } from '../../platform/imports/upload.js';
import { maskIdNumber, maskPhone } from '../../platform/privacy/masking.js';
import { residentColumns, residentTemplateExample } from './resident-csv.js';
import type { App } from '../../platform/http/http-server.js';
import { compiledResponseSerializer } from '../../platform/http/response-serializer.js';
import { route } from '../../platform/http/route.js';
import type { BuildingsService } from './buildings.service.js';
import type { MapBaseService } from './map-base.service.js';
import { presentImportJob } from '../../platform/jobs/import-jobs.routes.js';
import { presentBuilding, writeResidentPage } from './registry.presenter.js';
import type { ResidentImportService } from './resident-import.service.js';
import type { IdentifierSearchService } from './identifier-search.service.js';
import type { NameSearchService } from './name-search.service.js';
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
    nameSearch: NameSearchService;
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
    const { fileName, data } = await uploadedFile(req, 'upload.csv');
    const id = await s.imports.start(req.ctx, fileName, data, req.query.encoding);
    return presentImportJob(await s.imports.job(req.actor, id));
  });
  route(app, e.importPreview, 'resident.import', async (req) => {
    const { data } = await uploadedFile(req, 'upload.csv');
    return previewImport(data, req.query.encoding, residentColumns, maskResidentCell);
  });
  route(app, e.importTemplate, 'resident.import', async (req, reply) =>
    sendTemplate(
      reply,
      await importTemplate(
        'residents',
        residentColumns,
        residentTemplateExample,
        req.query.lang,
        req.query.format,
      ),
    ),
  );

  route(app, b.list, 'building.read', async (req) => {
    const { rows, total } = await s.buildings.list(
      req.actor,
      req.query.limit,
      req.query.offset,
      req.query.unitId,
    );
    return { items: rows.map(presentBuilding), total, limit: req.query.limit, offset: req.query.offset };
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

/** The preview shows ID numbers and phones as every list does, masked. */
function maskResidentCell(field: string, value: string): string {
  if (value === '') return value;
  if (field === 'id_number') return maskIdNumber(value);
  if (field === 'phone') return maskPhone(value);
  return value;
}
