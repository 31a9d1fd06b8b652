import { defineModule } from '../../platform/module/module.js';
import { registryUnitRecords } from './registry-unit-records.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { BuildingsRepository } from './buildings.repository.js';
import { BuildingsService } from './buildings.service.js';
import { MapBaseService } from './map-base.service.js';
import { IdentifierSearchService } from './identifier-search.service.js';
import { NameIndexBackfill } from './name-index-backfill.js';
import { NameSearchService } from './name-search.service.js';
import { registerRegistryRoutes } from './registry.routes.js';
import { RegistrySeeding } from './registry-seeding.js';
import { ResidentDuplicatesService } from './resident-duplicates.service.js';
import { ResidentImportService } from './resident-import.service.js';
import { ResidentsRepository } from './residents.repository.js';
import { ResidentsService } from './residents.service.js';

/** Buildings, households and residents, personal data sealed (ADR 0006) and every reveal audited. */
export const registryModule = defineModule<{ orgs: OrgsService }>()({
  name: 'registry',
  needs: { orgs: true },
  tables: ['buildings', 'households', 'residents'],
  reads: ['org_units'],
  publishes: [],
  subscribes: [],
  create: (host, { orgs }) => {
    const { db, cipher, audit, config } = host;
    orgs.unitRecords.register(registryUnitRecords);
    const buildingsRepo = new BuildingsRepository(db);
    const residentsRepo = new ResidentsRepository(db);
    const residents = new ResidentsService(db, residentsRepo, buildingsRepo, orgs, cipher, audit);
    return {
      residents,
      buildings: new BuildingsService(db, buildingsRepo, orgs, audit),
      imports: new ResidentImportService(
        db,
        host.importJobs,
        residents,
        residentsRepo,
        buildingsRepo,
        orgs,
        cipher,
        host.logger.child({ area: 'import' }),
      ),
      identifierSearch: new IdentifierSearchService(residentsRepo, orgs, cipher, audit, host.rateCounter, {
        limit: config.IDENTIFIER_SEARCH_LIMIT,
        windowMinutes: config.IDENTIFIER_SEARCH_WINDOW_MINUTES,
      }),
      nameSearch: new NameSearchService(residentsRepo, orgs, cipher, audit, host.rateCounter, {
        limit: config.NAME_SEARCH_LIMIT,
        windowMinutes: config.NAME_SEARCH_WINDOW_MINUTES,
      }),
      nameIndexBackfill: new NameIndexBackfill(
        db,
        residentsRepo,
        cipher,
        host.logger.child({ area: 'registry' }),
      ),
      residentDuplicates: new ResidentDuplicatesService(residentsRepo, orgs, audit),
      registrySeeding: new RegistrySeeding(buildingsRepo, residentsRepo, residents, cipher),
      mapBase: new MapBaseService(orgs, buildingsRepo),
    };
  },
  routes: (app, s) => registerRegistryRoutes(app, s),
  // Names written before migration 0029 get their search index soon after a start (ADR 0045).
  jobs: (s) => [
    {
      name: 'registry.name-index-backfill',
      everyMs: 60 * 60_000,
      runAtStart: true,
      run: (signal) => s.nameIndexBackfill.run(signal),
    },
  ],
});
