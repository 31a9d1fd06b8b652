import { defineModule } from '../../platform/module/module.js';
import { OrgsRepository } from './orgs.repository.js';
import { registerOrgRoutes } from './orgs.routes.js';
import { OrgsService } from './orgs.service.js';

/** The administrative tree every record hangs on: units, their boundaries and the cells they cover. */
export const orgsModule = defineModule()({
  name: 'orgs',
  needs: {},
  tables: ['org_units', 'org_unit_cells'],
  publishes: [],
  subscribes: [],
  create: (host) => ({ orgs: new OrgsService(host.db, new OrgsRepository(host.db), host.audit) }),
  routes: (app, s) => registerOrgRoutes(app, s.orgs),
});
