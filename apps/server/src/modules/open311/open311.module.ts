import { defineModule } from '../../platform/module/module.js';
import type { CaseConfigService } from '../cases/config/case-config.service.js';
import type { CaseService } from '../cases/cases.service.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { createOpen311 } from './open311-module.js';
import { registerOpen311AdminRoutes } from './open311-admin.routes.js';
import { registerOpen311Routes } from './open311.routes.js';
import { open311UnitRecords } from './open311-unit-records.js';

/** GeoReport v2 (Open311) over the case center: outside apps report into the same workflow. */
export const open311Module = defineModule<{
  orgs: OrgsService;
  cases: CaseService;
  caseConfig: CaseConfigService;
}>()({
  name: 'open311',
  needs: { orgs: true, cases: true, caseConfig: true },
  tables: ['open311_api_keys', 'open311_requests'],
  reads: ['org_units', 'buildings'],
  publishes: [],
  subscribes: [],
  create: (host, n) => {
    n.orgs.unitRecords.register(open311UnitRecords);
    return createOpen311({ db: host.db, audit: host.audit, cipher: host.cipher, ...n });
  },
  routes: (app, s, host) => {
    registerOpen311Routes(app, s.open311);
    registerOpen311AdminRoutes(app, s.open311Keys, s.open311, host.cipher);
  },
});
